// pirate: reliable request-reply, Paranoid Pirate style (the guide's ppqueue and ppworker,
// with a Lazy Pirate client made with requester()). Queue and worker heartbeat each other; a
// worker that hears nothing for LIVENESS heartbeats drops its socket and reconnects with a
// fresh one, backing off. Each side's heartbeat is a `timeout` in the same select as its
// sockets.
//
// The run: serve some requests, kill the queue, let the worker notice and reconnect, start a
// new queue on the same endpoints, serve the rest.
import { chan, select, timeout, type Channel } from "@sluice/channels";
import { Pump, requester, type Frame, type Sockets } from "@sluice/zmq-channels";
import { ipc, runAsProgram, type Program } from "./cli";

export interface PirateOptions {
  /** Requests before the queue dies, and again after it is back (default 5). */
  requests?: number;
  /** Heartbeat interval in milliseconds (default 100). */
  heartbeatMs?: number;
}

export interface PirateResult {
  /** Every reply the client got, in order. */
  replies: string[];
  /** How often the worker gave up on a silent queue and reconnected. */
  reconnects: number;
}

const LIVENESS = 3; // heartbeats missed before a peer counts as dead
const READY = "READY";
const HEARTBEAT = "HEARTBEAT";

// #region queue
function queue(pump: Pump, frontend: Sockets, backend: Sockets, heartbeatMs: number) {
  // Free workers, least recently used first, each with the time after which it counts as dead.
  const workers: Array<{ id: Frame; expiry: number }> = [];
  const stop = chan<never>();
  const free = (id: Frame) => {
    const known = workers.findIndex((w) => w.id.equals(id));
    if (known >= 0) workers.splice(known, 1);
    workers.push({ id, expiry: Date.now() + heartbeatMs * LIVENESS });
  };

  const loop = (async () => {
    let beat = timeout(heartbeatMs);
    for (;;) {
      const ops =
        workers.length > 0 ? [backend.recv, frontend.recv, beat, stop] : [backend.recv, beat, stop];
      const { channel, value } = await select(ops);
      if (channel === stop) return;
      if (channel === beat) {
        // Heartbeat every free worker, and forget those that have gone quiet.
        for (const w of workers) await backend.send.put([w.id, HEARTBEAT]);
        const now = Date.now();
        for (let i = workers.length - 1; i >= 0; i--)
          if (workers[i]!.expiry < now) workers.splice(i, 1);
        beat = timeout(heartbeatMs);
      } else if (channel === backend.recv) {
        // [worker, READY | HEARTBEAT] or [worker, client, "", reply]: either way it is alive and free.
        const [worker, ...rest] = value as Frame[];
        free(worker!);
        if (rest.length > 1) await frontend.send.put(rest);
      } else {
        // [client, "", request] goes to the least recently used worker.
        await backend.send.put([workers.shift()!.id, ...(value as Frame[])]);
      }
    }
  })();

  return async () => {
    stop.close();
    await loop;
    frontend.send.close();
    backend.send.close();
    await Promise.all([frontend.closed, backend.closed]);
  };
}
// #endregion queue

// #region worker
async function worker(
  pump: Pump,
  endpoint: string,
  heartbeatMs: number,
  stop: Channel<never>,
  reconnected: Channel<number>,
) {
  let reconnects = 0;
  const connect = async () => {
    const socket = await pump.socket("dealer", { connect: endpoint, options: { linger: 0 } });
    await socket.send.put(READY);
    return socket;
  };
  let socket = await connect();
  let liveness = LIVENESS;
  let backoff = heartbeatMs;
  let beat = timeout(heartbeatMs);
  for (;;) {
    const { channel, value } = await select([socket.recv, beat, stop]);
    if (channel === stop) break;
    if (channel === socket.recv) {
      liveness = LIVENESS;
      backoff = heartbeatMs;
      const frames = value as Frame[];
      // [client, ...envelope, "", request] is work, answered with the envelope as it came; a
      // lone frame is the queue's heartbeat.
      if (frames.length >= 3) {
        await socket.send.put([...frames.slice(0, -1), `${frames.at(-1)} ok`]);
      }
      continue;
    }
    // The heartbeat timeout fired.
    if (--liveness === 0) {
      // The queue has been silent too long: drop this socket, wait, start over with a new one.
      socket.send.close();
      await socket.closed;
      reconnected.offer(++reconnects);
      await timeout(backoff).take();
      backoff = Math.min(backoff * 2, heartbeatMs * 8);
      socket = await connect();
      liveness = LIVENESS;
    } else {
      await socket.send.put(HEARTBEAT);
    }
    beat = timeout(heartbeatMs);
  }
  socket.send.close();
  await socket.closed;
  return reconnects;
}
// #endregion worker

// #region client
// A Lazy Pirate client without the hand-written loop: requester() over a DEALER resends after
// each timeout and matches every reply to its request by the id envelope, which the queue and
// the worker pass back unchanged. No socket is thrown away, and many requests may be in flight.
async function lazyClient(pump: Pump, endpoint: string, replyTimeoutMs: number, attempts: number) {
  const dealer = await pump.socket("dealer", { connect: endpoint, options: { linger: 0 } });
  const client = requester(dealer, { timeout: replyTimeoutMs, retries: attempts - 1 });
  return async (request: string): Promise<string> => {
    const [reply] = await client.request(request); // a TimeoutError after the last attempt
    return reply!.toString();
  };
}
// #endregion client

export async function main(opts: PirateOptions = {}): Promise<PirateResult> {
  const requests = opts.requests ?? 5;
  const heartbeatMs = opts.heartbeatMs ?? 100;
  const pump = new Pump();
  const frontendAddress = ipc("pirate-frontend");
  const backendAddress = ipc("pirate-backend");
  const startQueue = async () =>
    queue(
      pump,
      await pump.socket("router", { bind: frontendAddress, options: { linger: 0 } }),
      await pump.socket("router", { bind: backendAddress, options: { linger: 0 } }),
      heartbeatMs,
    );

  // #region run
  let stopQueue = await startQueue();
  const stopWorker = chan<never>();
  const reconnected = chan<number>(1);
  const working = worker(pump, backendAddress, heartbeatMs, stopWorker, reconnected);
  const ask = await lazyClient(pump, frontendAddress, heartbeatMs * 10, 10);

  const replies: string[] = [];
  for (let r = 0; r < requests; r++) replies.push(await ask(`before ${r}`));

  await stopQueue(); // the queue dies...
  await reconnected.take(); // ...the worker notices and reconnects...
  stopQueue = await startQueue(); // ...and a new queue comes up on the same endpoints.

  for (let r = 0; r < requests; r++) replies.push(await ask(`after ${r}`));
  // #endregion run

  stopWorker.close();
  const reconnects = await working;
  await stopQueue();
  await pump.close();
  return { replies, reconnects };
}

export const program: Program<PirateOptions> = {
  about: "pirate: reliable request-reply (Paranoid Pirate queue and worker, Lazy Pirate client)",
  flags: {
    requests: ["n", "requests before the queue dies, and again after it is back (default 5)"],
    heartbeatMs: ["ms", "heartbeat interval in milliseconds (default 100)"],
  },
};

runAsProgram(module, main, program, (result) => {
  console.log(result.replies.join("\n"));
  console.log(`worker reconnected ${result.reconnects} time(s)`);
});
