// pirate: reliable request-reply, the guide's chapter 4 with channels: a Lazy Pirate client
// (lpclient), a Lazy Pirate server (lpserver), and the Paranoid Pirate queue and worker
// (ppqueue, ppworker). With no role flag, everything in one process: serve some requests, kill
// the queue, let the worker notice and reconnect, start a new queue on the same endpoints,
// serve the rest. With a role flag, one role, speaking the guide's bytes, so the others can be
// the guide's programs in any language:
//
//   node dist/pirate.js --client tcp://127.0.0.1:5555 [--count N] [--timeoutMs 2500] [--retries 3]
//   node dist/pirate.js --server 'tcp://127.0.0.1:*' [--count N] [--sleepMs 0]
//   node dist/pirate.js --queue 'tcp://127.0.0.1:*' --backend 'tcp://127.0.0.1:*' [--heartbeatMs 1000]
//   node dist/pirate.js --worker tcp://127.0.0.1:5556 [--heartbeatMs 1000]
//
// The wire, as the guide has it: a request is one frame (the client's sequence number as a
// decimal string) in a REQ envelope, and every reply is its request echoed unchanged; a worker
// says READY (b"\x01") when it connects, and queue and worker heartbeat each other with b"\x02"
// every heartbeatMs (the guide's 1 s). A peer silent for LIVENESS heartbeats counts as dead: the
// queue forgets the worker, the worker drops its socket and reconnects on a fresh one, backing
// off (1 s doubling to 32 s). Every heartbeat and deadline is a `timeout` in the same select as
// the sockets. A role prints its lines as the guide's program logs them, `listening on
// <endpoint>` first when it binds, and runs until --count or SIGINT/SIGTERM.
import { chan, select, timeout, type Channel } from "@sluice/channels";
import { Pump, type Frame, type Sockets } from "@sluice/zmq-channels";
import {
  countFlag,
  endpointFlag,
  ipc,
  onAbort,
  pickRole,
  roleFor,
  runAsProgram,
  UsageError,
  type Program,
  type Role,
} from "./cli";

export interface PirateOptions {
  /** No role flag: requests before the queue dies, and again after it is back (default 5). */
  requests?: number | undefined;
  /** Heartbeat interval, ms: the guide's 1000 for --queue and --worker, 100 with no role. */
  heartbeatMs?: number | undefined;
  /** Be the Lazy Pirate client (lpclient): connect a REQ here, send 0, 1, 2, ... */
  client?: string | undefined;
  /** Be the Lazy Pirate server (lpserver): bind a REP here and echo every request. */
  server?: string | undefined;
  /** Be the Paranoid Pirate queue (ppqueue): bind a ROUTER for clients here... */
  queue?: string | undefined;
  /** ...and one for workers here. */
  backend?: string | undefined;
  /** Be a Paranoid Pirate worker (ppworker): connect a DEALER to the queue's backend here. */
  worker?: string | undefined;
  /** Requests the client sends, or the server answers before it exits (default: until a signal). */
  count?: number | undefined;
  /** How long the client waits for each reply, ms (default the guide's 2500). */
  timeoutMs?: number | undefined;
  /** Tries in all per request, each on a fresh socket, before the client gives up (default 3). */
  retries?: number | undefined;
  /** The server's "work" before each reply, ms (lpserver sleeps 1000; default 0). */
  sleepMs?: number | undefined;
  /** Where a role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops a role: it closes its sockets and resolves with what it did so far. */
  signal?: AbortSignal | undefined;
}

export type PirateResult =
  /** No role flag: every reply the client got, in order, and how often the worker reconnected. */
  | { role: "all"; replies: string[]; reconnects: number }
  /** --client: the replies, in order; `abandoned` when a request went unanswered every try. */
  | { role: "client"; replies: string[]; abandoned: boolean }
  | { role: "server"; requests: number }
  | { role: "queue"; requests: number; replies: number }
  | { role: "worker"; replies: number; reconnects: number };

/** Role flag → the other flags that role reads (`""`: everything in one process). */
const ROLES = {
  "": ["requests", "heartbeatMs"],
  client: ["count", "timeoutMs", "retries"],
  server: ["count", "sleepMs"],
  queue: ["backend", "heartbeatMs"],
  worker: ["heartbeatMs"],
};

const LIVENESS = 3; // heartbeats missed before a peer counts as dead (the guide's 3)
const READY = Buffer.from([1]); // PPP_READY
const HEARTBEAT = Buffer.from([2]); // PPP_HEARTBEAT

export async function main(opts: PirateOptions = {}): Promise<PirateResult> {
  const role = pickRole("pirate", opts, ROLES);
  const run = roleFor(countFlag("count", opts.count), opts);
  const heartbeatMs = countFlag("heartbeatMs", opts.heartbeatMs);
  if (heartbeatMs === 0) throw new UsageError("--heartbeatMs must be 1 or more, got 0");
  if (role === "client") {
    const endpoint = endpointFlag("client", opts.client, false);
    const timeoutMs = countFlag("timeoutMs", opts.timeoutMs) ?? 2500;
    return runClient(endpoint, timeoutMs, countFlag("retries", opts.retries) ?? 3, run);
  }
  if (role === "server") {
    const endpoint = endpointFlag("server", opts.server, true);
    return runServer(endpoint, countFlag("sleepMs", opts.sleepMs) ?? 0, run);
  }
  if (role === "queue") {
    const frontend = endpointFlag("queue", opts.queue, true);
    if (opts.backend === undefined) {
      throw new UsageError("pirate --queue needs --backend <endpoint> too: where workers connect");
    }
    const backend = endpointFlag("backend", opts.backend, true);
    return runQueue(frontend, backend, heartbeatMs ?? 1000, run);
  }
  if (role === "worker") {
    return runWorker(endpointFlag("worker", opts.worker, false), heartbeatMs ?? 1000, run);
  }
  return runAll(countFlag("requests", opts.requests) ?? 5, heartbeatMs ?? 100);
}

/** What the queue and the worker share: their beat, what stops them, where they print. */
interface Beat {
  heartbeatMs: number;
  /** Aborting stops the loop at its next select: every timeout in it closes at once. */
  signal: AbortSignal;
  say(line: string): void;
}

const hex = (frames: Frame[]) => frames.map((f) => f.toString("hex")).join(" ");

// #region queue
async function queue(pump: Pump, frontendAt: string, backendAt: string, beat: Beat) {
  const { heartbeatMs, signal, say } = beat;
  const frontend = await pump.socket("router", { bind: frontendAt, options: { linger: 0 } });
  const backend = await pump.socket("router", { bind: backendAt, options: { linger: 0 } });
  say(`listening on ${frontend.endpoints[0]}`);
  say(`backend listening on ${backend.endpoints[0]}`);
  // Idle workers, least recently used first, each with the time after which it counts as dead.
  const idle: Array<{ id: Frame; expiry: number }> = [];
  const ready = (id: Frame) => {
    const known = idle.findIndex((w) => w.id.equals(id));
    if (known >= 0) idle.splice(known, 1);
    idle.push({ id, expiry: Date.now() + heartbeatMs * LIVENESS });
  };
  const counts = { requests: 0, replies: 0 };

  let tick = timeout(heartbeatMs, { signal });
  for (;;) {
    // Take a request only when a worker is idle to do it: until then it waits in the frontend.
    const ops = idle.length > 0 ? [backend.recv, frontend.recv, tick] : [backend.recv, tick];
    const { channel, value } = await select(ops);
    if (signal.aborted) break;
    if (channel === tick) {
      // Forget the idle workers that have gone quiet, and heartbeat the others.
      const now = Date.now();
      for (const gone of idle.filter((w) => w.expiry < now)) {
        idle.splice(idle.indexOf(gone), 1);
        say(`W: Idle worker expired: ${gone.id.toString("hex")}`);
      }
      for (const w of idle) await backend.send.put([w.id, HEARTBEAT]);
      tick = timeout(heartbeatMs, { signal });
      continue;
    }
    if (value === undefined) break; // the pump was closed
    if (channel === backend.recv) {
      // [worker, READY | HEARTBEAT] or [worker, client, "", reply]: either way it is alive and idle.
      const [worker, ...rest] = value;
      ready(worker!);
      if (rest.length > 1) {
        await frontend.send.put(rest);
        counts.replies++;
      } else if (!(rest[0]?.equals(READY) || rest[0]?.equals(HEARTBEAT))) {
        say(`E: Invalid message from worker: ${hex(rest)}`);
      }
    } else {
      // [client, "", request] goes to the least recently used worker.
      await backend.send.put([idle.shift()!.id, ...value]);
      counts.requests++;
    }
  }

  frontend.send.close();
  backend.send.close();
  await Promise.all([frontend.closed, backend.closed]);
  return counts;
}
// #endregion queue

// #region worker
async function worker(
  pump: Pump,
  endpoint: string,
  { heartbeatMs, signal, say }: Beat,
  reconnected?: Channel<number>,
) {
  const connect = async () => {
    const socket = await pump.socket("dealer", { connect: endpoint, options: { linger: 0 } });
    await socket.send.put(READY);
    say(`I: ready, connected to ${endpoint}`);
    return socket;
  };
  let socket = await connect();
  let liveness = LIVENESS;
  let backoff = heartbeatMs;
  let tick = timeout(heartbeatMs, { signal });
  const counts = { replies: 0, reconnects: 0 };
  for (;;) {
    const { channel, value } = await select([socket.recv, tick]);
    if (signal.aborted) break;
    if (channel === socket.recv) {
      if (value === undefined) break; // the pump was closed
      liveness = LIVENESS;
      backoff = heartbeatMs;
      if (value.length > 1) {
        // [client, "", request]: the reply is the request with its envelope, unchanged.
        await socket.send.put(value);
        counts.replies++;
      } else if (!value[0]!.equals(HEARTBEAT)) {
        say(`E: Invalid message: ${hex(value)}`);
      }
      continue;
    }
    // A heartbeat interval went by: ours is due, and the queue may have gone quiet.
    tick = timeout(heartbeatMs, { signal });
    if (--liveness > 0) {
      await socket.send.put(HEARTBEAT);
      continue;
    }
    // Silent for LIVENESS heartbeats: drop this socket, wait, start over with a fresh one.
    say(`W: Heartbeat failure, can't reach queue; reconnecting in ${backoff} ms`);
    socket.send.close();
    await socket.closed;
    counts.reconnects++;
    reconnected?.offer(counts.reconnects);
    await timeout(backoff, { signal }).take();
    if (signal.aborted) break;
    backoff = Math.min(backoff * 2, heartbeatMs * 32);
    socket = await connect();
    liveness = LIVENESS;
  }
  socket.send.close();
  await socket.closed;
  return counts;
}
// #endregion worker

// #region client
// A Lazy Pirate: a REQ, and a reply that does not come within timeoutMs means the REQ is stuck
// waiting for it (lockstep), so close it (closing `send` closes the socket) and resend on a
// fresh one; a late reply then goes to a socket that is gone and is never taken for the next
// request's. Between sluice programs, requester() over a DEALER does this for you, with many
// requests in flight; the guide's ppworker, though, accepts only a REQ's 3-frame envelope.
function lazyPirate(pump: Pump, endpoint: string, timeoutMs: number, tries: number, say: Say) {
  const connect = () => pump.socket("req", { connect: endpoint, options: { linger: 0 } });
  let socket: Sockets | undefined;
  /** The echo of `request`, or undefined when every try timed out (or the pump was closed). */
  return async (request: string): Promise<string | undefined> => {
    socket ??= await connect();
    await socket.send.put(request);
    let triesLeft = tries;
    for (;;) {
      const answered = new AbortController(); // ends the timer once select is done
      const timer = timeout(timeoutMs, { signal: answered.signal });
      const { channel, value } = await select([socket.recv, timer]);
      answered.abort();
      if (channel === socket.recv) {
        if (value === undefined) return undefined; // the pump was closed
        const reply = value.join("");
        if (reply === request) return reply;
        say(`E: Malformed reply from server: ${reply}`);
        continue;
      }
      say("W: No response from server");
      socket.send.close();
      await socket.closed;
      socket = undefined;
      if (--triesLeft <= 0) {
        say("E: Server seems to be offline, abandoning");
        return undefined;
      }
      say("I: Reconnecting to server...");
      socket = await connect();
      say(`I: Resending (${request})`);
      await socket.send.put(request);
    }
  };
}
// #endregion client

type Say = (line: string) => void;
const quiet: Say = () => {};

// #region run
async function runAll(requests: number, heartbeatMs: number) {
  const pump = new Pump();
  const frontendAt = ipc("pirate-frontend");
  const backendAt = ipc("pirate-backend");
  const beat = (stop: AbortController): Beat => ({ heartbeatMs, signal: stop.signal, say: quiet });
  const startQueue = () => {
    const stop = new AbortController();
    const queueing = queue(pump, frontendAt, backendAt, beat(stop));
    return () => (stop.abort(), queueing);
  };

  let stopQueue = startQueue();
  const stopWorker = new AbortController();
  const reconnected = chan<number>(1);
  const working = worker(pump, backendAt, beat(stopWorker), reconnected);
  const ask = lazyPirate(pump, frontendAt, heartbeatMs * 10, 10, quiet);
  const replies: string[] = [];
  const request = async (body: string) => {
    const reply = await ask(body);
    if (reply === undefined) throw new Error(`pirate: no reply to "${body}" after 10 tries`);
    replies.push(reply);
  };

  for (let r = 0; r < requests; r++) await request(`before ${r}`);
  await stopQueue(); // the queue dies...
  await reconnected.take(); // ...the worker notices and reconnects...
  stopQueue = startQueue(); // ...and a new queue comes up on the same endpoints.
  for (let r = 0; r < requests; r++) await request(`after ${r}`);

  stopWorker.abort();
  const { reconnects } = await working;
  await stopQueue();
  await pump.close();
  return { role: "all" as const, replies, reconnects };
}
// #endregion run

// lpclient: send 0, 1, 2, ... one by one, each checked to come back as it went.
async function runClient(endpoint: string, timeoutMs: number, tries: number, run: Role) {
  const { count, signal, say } = run;
  const pump = new Pump();
  const forget = onAbort(signal, () => void pump.close());
  const ask = lazyPirate(pump, endpoint, timeoutMs, tries, say);
  say("I: Connecting to server...");
  const replies: string[] = [];
  let abandoned = false;
  try {
    for (let sequence = 0; count === undefined || sequence < count; sequence++) {
      say(`I: Sending (${sequence})`);
      const reply = await ask(String(sequence));
      if (reply === undefined) {
        abandoned = !signal?.aborted;
        break;
      }
      say(`I: Server replied OK (${reply})`);
      replies.push(reply);
    }
  } catch (e) {
    if (!signal?.aborted) throw e; // else: stopped while it opened a fresh socket
  }
  forget();
  await pump.close();
  return { role: "client" as const, replies, abandoned };
}

// lpserver: echo each request as it came (no simulated crashes: --count ends it for certain).
async function runServer(endpoint: string, sleepMs: number, { count, signal, say }: Role) {
  const pump = new Pump();
  const rep = await pump.socket("rep", { bind: endpoint });
  const forget = onAbort(signal, () => void pump.close());
  say(`listening on ${rep.endpoints[0]}`);
  let requests = 0;
  while (count === undefined || requests < count) {
    const request = await rep.recv.take();
    if (request === undefined) break; // the pump was closed
    requests++;
    say(`I: Normal request (${request.join("")})`);
    if (sleepMs > 0) await timeout(sleepMs).take(); // "do some heavy work"
    await rep.send.put(request);
  }
  forget();
  await pump.close(); // the last reply still goes out: close flushes what was put
  return { role: "server" as const, requests };
}

// ppqueue and ppworker: until the signal.
async function runQueue(frontendAt: string, backendAt: string, heartbeatMs: number, run: Role) {
  const pump = new Pump();
  const signal = run.signal ?? new AbortController().signal;
  const counts = await queue(pump, frontendAt, backendAt, { heartbeatMs, signal, say: run.say });
  await pump.close();
  return { role: "queue" as const, ...counts };
}

async function runWorker(endpoint: string, heartbeatMs: number, run: Role) {
  const pump = new Pump();
  const signal = run.signal ?? new AbortController().signal;
  const counts = await worker(pump, endpoint, { heartbeatMs, signal, say: run.say });
  await pump.close();
  return { role: "worker" as const, ...counts };
}

export const program: Program<PirateOptions> = {
  about:
    "pirate: reliable request-reply (the guide's Lazy Pirate and Paranoid Pirate) on its bytes",
  flags: {
    client: ["endpoint", "be lpclient: connect a REQ here, send 0, 1, 2, ... and check each echo"],
    server: ["endpoint", "be lpserver: bind a REP here and echo every request"],
    queue: ["endpoint", "be ppqueue: bind a ROUTER for clients here (and --backend)"],
    backend: ["endpoint", "with --queue: bind a ROUTER for workers here"],
    worker: ["endpoint", "be ppworker: connect a DEALER to the queue's backend here and echo"],
    count: ["n", "requests to send, or with --server to answer (default: until SIGINT)"],
    timeoutMs: ["ms", "with --client: how long to wait for each reply (default 2500)"],
    retries: ["n", "with --client: tries per request, each on a fresh socket (default 3)"],
    sleepMs: ["ms", "with --server: milliseconds of work before each reply (default 0)"],
    heartbeatMs: ["ms", "heartbeat interval (default 1000; 100 with no role flag)"],
    requests: ["n", "no role flag: requests before the queue dies, and again after (default 5)"],
  },
  roles: ROLES,
  stopOnSignal: true,
};

runAsProgram(module, main, program, (result) => {
  // A role printed its lines as it went; a client that gave up fails, as a test can see.
  if (result.role === "client" && result.abandoned) process.exitCode = 1;
  if (result.role === "all") {
    console.log(result.replies.join("\n"));
    console.log(`worker reconnected ${result.reconnects} time(s)`);
  }
});
