// lbbroker: the guide's load-balancing broker. REQ clients and REQ workers both talk to
// ROUTER sockets; a worker announces itself with READY and every reply makes it free again.
// The broker reads the frontend only while some worker is free, which in sluice is just a
// select whose op list changes: no poller to rebuild, no flags.
//
// With no role flag, clients, broker and workers run in one process. With a role flag, one
// part, speaking lbbroker.py's bytes (a worker says READY and answers OK; a client says HELLO),
// so it runs with the guide's own broker, clients or workers in any language:
//
//   node dist/lbbroker.js --broker 'tcp://127.0.0.1:5672' --backend 'tcp://127.0.0.1:5673'
//   node dist/lbbroker.js --worker tcp://127.0.0.1:5673 [--identity Worker-1] [--count N]
//   node dist/lbbroker.js --client tcp://127.0.0.1:5672 [--identity Client-1] [--count 1]
import { chan, select, type Channel } from "@sluice/channels";
import { Pump, type Frame } from "@sluice/zmq-channels";
import { randomBytes } from "node:crypto";
import {
  countFlag,
  endpointFlag,
  inproc,
  onAbort,
  pickRole,
  roleFor,
  runAsProgram,
  UsageError,
  type Program,
  type Role,
} from "./cli";

export interface LbbrokerOptions {
  /** REQ clients (default 10). */
  clients?: number | undefined;
  /** Requests each client sends, one at a time (default 10). */
  requests?: number | undefined;
  /** REQ workers (default 3). */
  workers?: number | undefined;
  /** Be the broker: bind the frontend (clients' ROUTER) here; needs --backend. */
  broker?: string | undefined;
  /** With --broker: bind the backend (workers' ROUTER) here. */
  backend?: string | undefined;
  /** Be a worker: connect a REQ to the broker's backend here, say READY, answer OK. */
  worker?: string | undefined;
  /** Be a client: connect a REQ to the broker's frontend here and say HELLO. */
  client?: string | undefined;
  /** A worker's or client's routing id (default Worker-/Client- and a random suffix). */
  identity?: string | undefined;
  /** Requests a worker answers, or a client sends (default 1), before it exits; a worker
   * without a count, and the broker, run until `signal` (SIGINT or SIGTERM) aborts. */
  count?: number | undefined;
  /** Where a role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops a role: it closes its pump and resolves with what it did so far. */
  signal?: AbortSignal | undefined;
}

/** What the run with no role flag found. */
export interface LbbrokerResult {
  /** Per client: the replies it received, in order. */
  replies: string[][];
  /** How many requests each worker handled, by worker name. */
  handled: Map<string, number>;
  /** The most requests ever handed to workers and not yet answered (never above `workers`). */
  maxBusy: number;
}

/** What `main` resolves with: the whole run, or what one role did. */
export type LbbrokerOutcome =
  | ({ role: "all" } & LbbrokerResult)
  /** --broker: the requests it passed to a worker. */
  | { role: "broker"; brokered: number }
  /** --worker: the requests it answered, in order. */
  | { role: "worker"; requests: string[] }
  /** --client: the replies it received, in order. */
  | { role: "client"; replies: string[] };

/** Role flag → the other flags that role reads (`""`: every part in one process). */
const ROLES = {
  "": ["clients", "requests", "workers"],
  broker: ["backend"],
  worker: ["identity", "count"],
  client: ["identity", "count"],
};

const READY = "READY";

// #region broker
async function broker(
  frontend: { recv: Channel<Frame[]>; send: Channel<any> },
  backend: { recv: Channel<Frame[]>; send: Channel<any> },
  stop: Channel<never>,
): Promise<{ maxBusy: number; brokered: number }> {
  const idle: Frame[] = []; // workers that are free, least recently used first
  let busy = 0;
  let maxBusy = 0;
  let brokered = 0;
  for (;;) {
    // Poll the frontend only while a worker is free: its requests wait in ZeroMQ meanwhile.
    const ops = idle.length > 0 ? [backend.recv, frontend.recv, stop] : [backend.recv, stop];
    const { channel, value } = await select(ops);
    if (channel === stop || value === undefined) return { maxBusy, brokered };

    if (channel === backend.recv) {
      // [worker, "", READY] or [worker, "", client, "", reply]. As lbbroker.py, anything
      // shorter than a reply only says the worker is free (the guide's Simple Pirate worker
      // says "\x01"), and is never passed to a client.
      const [worker, , client, , reply] = value as Frame[];
      idle.push(worker!);
      if (value.length < 5 || client!.toString() === READY) continue;
      busy--;
      await frontend.send.put([client!, "", reply!]);
    } else {
      // [client, "", request] goes to the least recently used worker
      const [client, , request] = value as Frame[];
      await backend.send.put([idle.shift()!, "", client!, "", request!]);
      maxBusy = Math.max(maxBusy, ++busy);
      brokered++;
    }
  }
}
// #endregion broker

export async function main(opts: LbbrokerOptions = {}): Promise<LbbrokerOutcome> {
  const role = pickRole("lbbroker", opts, ROLES);
  const run = roleFor(countFlag("count", opts.count), opts);
  const identity = (prefix: string) => {
    if (opts.identity !== undefined && (typeof opts.identity !== "string" || !opts.identity)) {
      throw new UsageError(`--identity needs a routing id, got ${JSON.stringify(opts.identity)}`);
    }
    return opts.identity ?? `${prefix}-${randomBytes(2).toString("hex").toUpperCase()}`;
  };
  if (role === "broker") {
    const frontend = endpointFlag("broker", opts.broker, true);
    const backend = endpointFlag("backend", opts.backend, true);
    return { role: "broker", brokered: await brokerRole(frontend, backend, run) };
  }
  if (role === "worker") {
    const at = endpointFlag("worker", opts.worker, false);
    return { role: "worker", requests: await workerRole(at, identity("Worker"), run) };
  }
  if (role === "client") {
    const at = endpointFlag("client", opts.client, false);
    const replies = await clientRole(at, identity("Client"), { ...run, count: run.count ?? 1 });
    return { role: "client", replies };
  }
  return { role: "all", ...(await all(opts)) };
}

async function all(opts: LbbrokerOptions): Promise<LbbrokerResult> {
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
  const { maxBusy } = await brokering;
  await pump.close();
  await Promise.all(working);
  return { replies, handled, maxBusy };
}

// The broker alone: both ROUTERs bound, brokering until its signal.
async function brokerRole(frontendAt: string, backendAt: string, { signal, say }: Role) {
  const pump = new Pump();
  const frontend = await pump.socket("router", { bind: frontendAt });
  const backend = await pump.socket("router", { bind: backendAt });
  const stop = chan<never>();
  const forget = onAbort(signal, () => stop.close());
  say(`listening on ${frontend.endpoints[0]} (clients) and ${backend.endpoints[0]} (workers)`);
  const { brokered } = await broker(frontend, backend, stop);
  forget();
  await pump.close();
  return brokered;
}

// lbbroker.py's worker_task: READY, then answer each request with OK.
async function workerRole(at: string, identity: string, { count, signal, say }: Role) {
  const pump = new Pump();
  const socket = await pump.socket("req", {
    connect: at,
    options: { routingId: identity, linger: 0 },
  });
  const forget = onAbort(signal, () => void pump.close());
  await socket.send.put(READY);
  const requests: string[] = [];
  while (count === undefined || requests.length < count) {
    const message = await socket.recv.take();
    if (message === undefined) break; // the pump closed
    const [client, , request] = message;
    say(`${identity}: ${request}`);
    requests.push(request!.toString());
    await socket.send.put([client!, "", "OK"]);
  }
  forget();
  await pump.close();
  return requests;
}

// lbbroker.py's client_task: HELLO, then the reply, count times.
async function clientRole(at: string, identity: string, { count, signal, say }: Role) {
  const pump = new Pump();
  const socket = await pump.socket("req", {
    connect: at,
    options: { routingId: identity, linger: 0 },
  });
  const forget = onAbort(signal, () => void pump.close());
  const replies: string[] = [];
  while (replies.length < count!) {
    if (!(await socket.send.put("HELLO"))) break;
    const message = await socket.recv.take();
    if (message === undefined) break;
    const reply = message[0]!.toString();
    say(`${identity}: ${reply}`);
    replies.push(reply);
  }
  forget();
  await pump.close();
  return replies;
}

export const program: Program<LbbrokerOptions> = {
  about:
    "lbbroker: the guide's load-balancing broker, REQ clients and workers on ROUTER sockets; " +
    "with a role flag, one part, on lbbroker.py's bytes",
  flags: {
    clients: ["n", "REQ clients (default 10)"],
    requests: ["n", "requests each client sends, one at a time (default 10)"],
    workers: ["n", "REQ workers (default 3)"],
    broker: ["endpoint", "be the broker: bind the clients' ROUTER here (needs --backend)"],
    backend: ["endpoint", "with --broker: bind the workers' ROUTER here"],
    worker: ["endpoint", "be a worker: connect a REQ to the backend, say READY, answer OK"],
    client: ["endpoint", "be a client: connect a REQ to the frontend and say HELLO"],
    identity: ["id", "a worker's or client's routing id (default Worker-/Client-XXXX)"],
    count: [
      "n",
      "requests a worker answers or a client sends (client default 1; a worker: until SIGINT)",
    ],
  },
  roles: ROLES,
  text: ["identity"],
  stopOnSignal: true,
};

runAsProgram(module, main, program, (result) => {
  // A role printed its lines as it went.
  if (result.role !== "all") return;
  const answered = result.replies.reduce((n, r) => n + r.length, 0);
  console.log(
    `${answered} requests answered; per worker: ${[...result.handled].map(([w, n]) => `${w}=${n}`).join(" ")}`,
  );
});
