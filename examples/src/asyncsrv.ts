// asyncsrv: the guide's asynchronous client/server. DEALER clients talk to a ROUTER frontend;
// the server passes messages to a DEALER backend, where DEALER workers echo each request some
// number of times. Everything is full duplex: on a client socket several tasks put requests
// while another takes replies, all at once, with no lock.
//
// The bytes are the guide's (asyncsrv.py, asyncsrv.c): a client sends "request #N" (N from 1),
// a worker echoes the message unchanged, so a role runs against the guide's program:
//
//   node dist/asyncsrv.js --server 'tcp://127.0.0.1:*' [--workers 5]
//   node dist/asyncsrv.js --client tcp://127.0.0.1:5570 [--requests N] [--identity ABCD-1234]
//       [--intervalMs 1000] [--quietMs 3000]
//
// With no role flag, server, workers and clients in one process.
//
// Invariants:
// - A client never needs to know how many replies will come (the guide's worker echoes a random
//   0–4 times): it stops once its requests are sent and `quietMs` passed with no reply.
// - Every reply a client counts is an echo of a request it sent; anything else is a stray.
import { chan, pipe, select, timeout, type Channel } from "@sluice/channels";
import { Pump, type Frame, type Sockets } from "@sluice/zmq-channels";
import { randomInt } from "node:crypto";
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
} from "./cli";

export interface AsyncsrvOptions {
  /** No role flag: client sockets (default 3). */
  clients?: number | undefined;
  /** No role flag: concurrent tasks sending on each client socket (default 4). */
  tasks?: number | undefined;
  /**
   * Requests each task sends (default 5); with --client, requests to send (default: until
   * SIGINT or SIGTERM).
   */
  requests?: number | undefined;
  /** Worker sockets behind the backend (default 5, as the guide's server). */
  workers?: number | undefined;
  /** Be the server: bind a ROUTER frontend here; workers in this process; until a signal. */
  server?: string | undefined;
  /** Be a client: connect a DEALER here, send requests and count the echoes. */
  client?: string | undefined;
  /** With --client: the socket's identity (default random "%04X-%04X", as asyncsrv.c). */
  identity?: string | undefined;
  /** With --client: ms between requests (default 1000: the guide's client sends one a second). */
  intervalMs?: number | undefined;
  /** With --client: ms without a reply, after the last request, that end the run (default 3000). */
  quietMs?: number | undefined;
  /** Where a role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops a role: it closes its pump and resolves with what it did so far. */
  signal?: AbortSignal | undefined;
}

export interface ClientReport {
  identity: string;
  /** Per request sent, in order ("request #1", …): how many echoes of it came back. */
  echoes: Map<string, number>;
  /** Replies that echoed no request this client sent (never, with ROUTER). */
  strays: string[];
}

export interface ServerCounts {
  /** Requests the workers received, and the echoes they sent. */
  requests: number;
  replies: number;
}

export type AsyncsrvResult =
  | { role: "all"; clients: ClientReport[]; server: ServerCounts }
  | ({ role: "server" } & ServerCounts)
  | ({ role: "client" } & ClientReport);

/** Role flag → the other flags that role reads (`""`: everything in one process). */
const ROLES = {
  "": ["clients", "tasks", "requests", "workers"],
  server: ["workers"],
  client: ["requests", "identity", "intervalMs", "quietMs"],
};

export async function main(opts: AsyncsrvOptions = {}): Promise<AsyncsrvResult> {
  const role = pickRole("asyncsrv", opts, ROLES);
  const requests = countFlag("requests", opts.requests);
  const workers = countFlag("workers", opts.workers) ?? 5;
  const { say, signal } = roleFor(undefined, opts);
  if (role === "server") {
    const endpoint = endpointFlag("server", opts.server, true);
    const pump = new Pump();
    const counts = { requests: 0, replies: 0 };
    const bound = await server(pump, endpoint, workers, { counts, say });
    say(`listening on ${bound}`); // the port that tcp://127.0.0.1:* picked
    await new Promise<void>((stop) => onAbort(signal, stop)); // no signal: forever
    await pump.close();
    return { role: "server", ...counts };
  }
  if (role === "client") {
    const identity = opts.identity ?? guideIdentity();
    if (typeof identity !== "string" || identity === "") {
      throw new UsageError(`--identity needs a name such as ABCD-1234, got ${String(identity)}`);
    }
    const endpoint = endpointFlag("client", opts.client, false);
    const intervalMs = countFlag("intervalMs", opts.intervalMs) ?? 1000;
    const quietMs = countFlag("quietMs", opts.quietMs) ?? 3000;
    const pump = new Pump();
    const forget = onAbort(signal, () => void pump.close());
    const run = { requests, tasks: 1, intervalMs, quietMs, signal, say };
    const report = await client(pump, endpoint, identity, run);
    forget();
    await pump.close();
    for (const [request, n] of report.echoes)
      say(`${request}: ${n} ${n === 1 ? "reply" : "replies"}`);
    for (const stray of report.strays) say(`E: not an echo of a request sent: ${stray}`);
    return { role: "client", ...report };
  }
  return all(
    countFlag("clients", opts.clients) ?? 3,
    countFlag("tasks", opts.tasks) ?? 4,
    requests ?? 5,
    workers,
  );
}

/** asyncsrv.c's identity: two random 16-bit numbers in hex ("%04X-%04X"). */
const guideIdentity = () =>
  [randomInt(0x10000), randomInt(0x10000)]
    .map((n) => n.toString(16).toUpperCase().padStart(4, "0"))
    .join("-");

/** An identity as text when it is printable, else as hex (libzmq's own are binary). */
const shown = (frame: Frame | undefined) => {
  const text = String(frame);
  return /^[\x20-\x7e]*$/.test(text) ? text : `0x${frame!.toString("hex")}`;
};

// Everything in one process: the server on inproc, and `clients` clients of `tasks` tasks each.
async function all(clients: number, tasks: number, requests: number, workers: number) {
  const pump = new Pump();
  const counts = { requests: 0, replies: 0 };
  const say = () => {};
  const endpoint = await server(pump, inproc("asyncsrv-frontend"), workers, { counts, say });
  const run = { requests, tasks, intervalMs: 0, quietMs: 1000, signal: undefined, say };
  const reports = await Promise.all(
    Array.from({ length: clients }, () => client(pump, endpoint, guideIdentity(), run)),
  );
  await pump.close();
  return { role: "all" as const, clients: reports, server: counts };
}

interface Printing {
  say(line: string): void;
}

// #region server
// The guide's server task: a ROUTER frontend for the clients, a DEALER backend for the workers,
// and a proxy between them. Resolves with the endpoint the frontend bound.
async function server(
  pump: Pump,
  endpoint: string,
  workers: number,
  { counts, say }: Printing & { counts: ServerCounts },
): Promise<string> {
  const frontend = await pump.socket("router", { bind: endpoint });
  const backendAddress = inproc("asyncsrv-backend");
  const backend = await pump.socket("dealer", { bind: backendAddress });
  for (let w = 0; w < workers; w++) {
    void work(await pump.socket("dealer", { connect: backendAddress }), counts, say);
  }
  // The proxy is two pipes: [identity, request] goes to a worker, [identity, reply] comes back.
  pipe(frontend.recv, backend.send);
  pipe(backend.recv, frontend.send);
  return frontend.endpoints[0]!;
}
// #endregion server

// #region worker
// The guide's worker echoes each message unchanged a random 0–4 times, sleeping in between.
// This one is deterministic, so that tests can count: "request #N" is echoed N % 5 times (any
// other message once), and it yields between echoes so that other workers' replies interleave.
const timesToEcho = (request: string) => {
  const n = /#(\d+)$/.exec(request);
  return n === null ? 1 : Number(n[1]) % 5;
};

async function work(worker: Sockets, counts: ServerCounts, say: (line: string) => void) {
  for await (const message of worker.recv) {
    const [identity, request] = message; // the proxy puts the client's identity first
    say(`Worker received ${String(request)} from ${shown(identity)}`);
    counts.requests++;
    for (let n = timesToEcho(String(request)); n > 0; n--) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!(await worker.send.put(message))) return; // false: the pump closed
      counts.replies++;
    }
  }
}
// #endregion worker

/** How a client runs; `requests` undefined: until the pump closes. */
interface ClientRun extends Printing {
  requests: number | undefined;
  /** Tasks putting requests on the one socket at once. */
  tasks: number;
  intervalMs: number;
  quietMs: number;
  /** Ends the pauses between requests at once (the role closes the pump on it too). */
  signal: AbortSignal | undefined;
}

// #region client
// The guide's client task: a DEALER with an identity sends "request #N" every `intervalMs`
// while it takes whatever replies come. It cannot know how many will (a worker echoes some
// number of times), so it stops once its requests are out and `quietMs` passed with no reply.
async function client(pump: Pump, endpoint: string, identity: string, run: ClientRun) {
  const { requests, intervalMs, quietMs, signal, say } = run;
  const socket = await pump.socket("dealer", {
    connect: endpoint,
    // linger 0: stopped while the server is away, unsent requests are not worth waiting for.
    options: { routingId: identity, linger: 0 },
  });
  const report: ClientReport = { identity, echoes: new Map(), strays: [] };

  // Several tasks put requests on the same socket at once...
  let last = 0;
  const sending = Array.from({ length: run.tasks }, async () => {
    for (let r = 0; requests === undefined || r < requests; r++) {
      const n = ++last;
      const request = `request #${n}`;
      report.echoes.set(request, 0); // before the put: its echo may come back at once
      say(`Req #${n} sent..`);
      if (!(await socket.send.put(request))) {
        report.echoes.delete(request); // false: the pump closed, it was never sent
        return;
      }
      if (intervalMs > 0) await timeout(intervalMs, { signal }).take();
    }
  });
  const allSent = chan<never>();
  void Promise.all(sending).then(() => allSent.close());

  // ...while this one takes every reply as it comes, until all are out and it is quiet.
  let quiet = false;
  for (;;) {
    const round = new AbortController(); // clears this round's timer, whichever op wins
    const other: Channel<never> = quiet ? timeout(quietMs, { signal: round.signal }) : allSent;
    const { channel, value } = await select([socket.recv, other]);
    round.abort();
    if (channel === allSent) {
      quiet = true; // from now on, quietMs without a reply ends the run
      continue;
    }
    if (channel !== socket.recv || value === undefined) break; // quiet, or the pump closed
    const reply = value.map(String).join(" ");
    say(`Client ${identity} received: ${reply}`);
    const seen = report.echoes.get(reply);
    if (seen === undefined) report.strays.push(reply);
    else report.echoes.set(reply, seen + 1);
  }
  await Promise.all(sending);
  return report;
}
// #endregion client

export const program: Program<AsyncsrvOptions> = {
  about:
    "asyncsrv: the guide's asynchronous client/server, full-duplex ROUTER/DEALER; with a role flag, one end, on the guide's bytes",
  flags: {
    server: ["endpoint", "be the server: bind a ROUTER here, echo with in-process workers"],
    client: ["endpoint", 'be a client: connect a DEALER here, send "request #N", count echoes'],
    clients: ["n", "client sockets (default 3)"],
    tasks: ["n", "concurrent tasks sending on each client socket (default 4)"],
    requests: ["n", "requests each task sends (default 5; --client: until SIGINT)"],
    workers: ["n", "worker sockets behind the backend (default 5)"],
    identity: ["id", "with --client: the socket's identity (default random %04X-%04X)"],
    intervalMs: ["ms", "with --client: ms between requests (default 1000)"],
    quietMs: ["ms", "with --client: ms without a reply that end the run (default 3000)"],
  },
  roles: ROLES,
  text: ["identity"],
  stopOnSignal: true,
};

runAsProgram(module, main, program, (result) => {
  // A role printed its lines as it went; a client with a stray reply fails.
  if (result.role === "client" && result.strays.length > 0) process.exitCode = 1;
  if (result.role !== "all") return;
  for (const r of result.clients) {
    const replies = [...r.echoes.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `${r.identity}: ${r.echoes.size} requests, ${replies} replies, ${r.strays.length} strays`,
    );
  }
});
