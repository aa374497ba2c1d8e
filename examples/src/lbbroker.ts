// lbbroker: the guide's load-balancing broker. REQ clients and REQ workers both talk to
// ROUTER sockets; a worker announces itself with READY and every reply makes it free again.
// The broker reads the frontend only while some worker is free, which in sluice is just a
// select whose op list changes: no poller to rebuild, no flags.
import { chan, select, type Channel } from "@sluice/channels";
import { Pump, type Frame } from "@sluice/zmq-channels";
import { inproc, runAsProgram, type Program } from "./cli";

export interface LbbrokerOptions {
  /** REQ clients (default 10). */
  clients?: number;
  /** Requests each client sends, one at a time (default 10). */
  requests?: number;
  /** REQ workers (default 3). */
  workers?: number;
}

export interface LbbrokerResult {
  /** Per client: the replies it received, in order. */
  replies: string[][];
  /** How many requests each worker handled, by worker name. */
  handled: Map<string, number>;
  /** The most requests ever handed to workers and not yet answered (never above `workers`). */
  maxBusy: number;
}

const READY = "READY";

// #region broker
async function broker(
  frontend: { recv: Channel<Frame[]>; send: Channel<any> },
  backend: { recv: Channel<Frame[]>; send: Channel<any> },
  stop: Channel<never>,
): Promise<number> {
  const idle: Frame[] = []; // workers that are free, least recently used first
  let busy = 0;
  let maxBusy = 0;
  for (;;) {
    // Poll the frontend only while a worker is free: its requests wait in ZeroMQ meanwhile.
    const ops = idle.length > 0 ? [backend.recv, frontend.recv, stop] : [backend.recv, stop];
    const { channel, value } = await select(ops);
    if (channel === stop || value === undefined) return maxBusy;

    if (channel === backend.recv) {
      // [worker, "", READY] or [worker, "", client, "", reply]
      const [worker, , client, , reply] = value as Frame[];
      idle.push(worker!);
      if (client!.toString() === READY) continue;
      busy--;
      await frontend.send.put([client!, "", reply!]);
    } else {
      // [client, "", request] goes to the least recently used worker
      const [client, , request] = value as Frame[];
      await backend.send.put([idle.shift()!, "", client!, "", request!]);
      maxBusy = Math.max(maxBusy, ++busy);
    }
  }
}
// #endregion broker

export async function main(opts: LbbrokerOptions = {}): Promise<LbbrokerResult> {
  const clients = opts.clients ?? 10;
  const requests = opts.requests ?? 10;
  const workers = opts.workers ?? 3;
  const pump = new Pump();
  const frontendAddress = inproc("lbbroker-frontend");
  const backendAddress = inproc("lbbroker-backend");

  const frontend = await pump.socket("router", { bind: frontendAddress });
  const backend = await pump.socket("router", { bind: backendAddress });
  const stop = chan<never>(); // closed when every client is done
  const brokering = broker(frontend, backend, stop);

  // #region worker
  const handled = new Map<string, number>();
  const worker = async (name: string) => {
    const socket = await pump.socket("req", {
      connect: backendAddress,
      options: { routingId: name },
    });
    await socket.send.put(READY);
    for await (const [client, empty, request] of socket.recv) {
      handled.set(name, (handled.get(name) ?? 0) + 1);
      await socket.send.put([client!, empty!, `${request} handled by ${name}`]);
    }
  };
  const working = Array.from({ length: workers }, (_, w) => worker(`worker-${w}`));
  // #endregion worker

  // #region client
  const client = async (name: string) => {
    const socket = await pump.socket("req", { connect: frontendAddress });
    const replies: string[] = [];
    for (let r = 0; r < requests; r++) {
      await socket.send.put(`${name}:${r}`);
      const [reply] = (await socket.recv.take())!;
      replies.push(reply!.toString());
    }
    return replies;
  };
  const replies = await Promise.all(
    Array.from({ length: clients }, (_, c) => client(`client-${c}`)),
  );
  // #endregion client

  stop.close();
  const maxBusy = await brokering;
  await pump.close();
  await Promise.all(working);
  return { replies, handled, maxBusy };
}

export const program: Program<LbbrokerOptions> = {
  about: "lbbroker: the guide's load-balancing broker, REQ clients and workers on ROUTER sockets",
  flags: {
    clients: ["n", "REQ clients (default 10)"],
    requests: ["n", "requests each client sends, one at a time (default 10)"],
    workers: ["n", "REQ workers (default 3)"],
  },
};

runAsProgram(module, main, program, (result) => {
  const answered = result.replies.reduce((n, r) => n + r.length, 0);
  console.log(
    `${answered} requests answered; per worker: ${[...result.handled].map(([w, n]) => `${w}=${n}`).join(" ")}`,
  );
});
