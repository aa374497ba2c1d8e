// The demo: a broker with a full-duplex ROUTER frontend and DEALER backend, clients on three
// transports at once (inproc, ipc, tcp loopback) and workers, all on one Pump, for a bounded
// run. Each client keeps a window of requests in flight on its one DEALER socket.
//
//   node dist/demo.js [--seconds 5] [--clients 6] [--window 32] [--workers 4]
import { pipe } from "@sluice/channels";
import { Pump, type PumpStats, type Sockets } from "@sluice/zmq-channels";
import { performance } from "node:perf_hooks";
import { inproc, ipc, runAsProgram, type Program } from "./cli";
import { Progress, Samples, ms, rate, table } from "./stats";

export interface DemoOptions {
  /** How long clients keep sending, in seconds (default 5); in-flight requests then drain. */
  seconds?: number | undefined;
  /** Client sockets, spread over the transports (default 6). */
  clients?: number | undefined;
  /** Requests each client keeps in flight (default 32). */
  window?: number | undefined;
  /** Worker sockets behind the broker (default 4). */
  workers?: number | undefined;
  /** Where progress and the summary go (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** One live line (terminal) or plain periodic lines; default: whether `out` is a TTY. */
  live?: boolean | undefined;
  /** Milliseconds between progress updates (default 200 live, 1000 plain). */
  intervalMs?: number | undefined;
}

export interface TransportSummary {
  transport: string;
  requests: number;
  replies: number;
  p50: number;
  p99: number;
  max: number;
}

export interface DemoSummary {
  seconds: number;
  /** Round trips per second over the whole run. */
  perSecond: number;
  transports: TransportSummary[];
  /** Replies that matched no request in flight (must be 0). */
  unmatched: number;
  /** The engine the pump ran on (`pump.engine`). */
  engine: string;
}

const TRANSPORTS = ["inproc", "ipc", "tcp"] as const;

export async function main(opts: DemoOptions = {}): Promise<DemoSummary> {
  const seconds = opts.seconds ?? 5;
  const clients = opts.clients ?? 6;
  const window = opts.window ?? 32;
  const workers = opts.workers ?? 4;
  const out = opts.out ?? process.stdout;
  const live = opts.live ?? Boolean((out as { isTTY?: boolean }).isTTY);
  if (!(seconds > 0))
    throw new RangeError(`demo: --seconds must be a positive number, got ${seconds}`);

  const pump = new Pump();
  // #region broker
  // The frontend listens on all three transports at once; tcp on a free loopback port. It is
  // made by the pump, as the clients are, so it runs on the pump's engine with them: inproc
  // connects only sockets of one engine (a register()ed zeromq.js socket stays on zeromq.js).
  const frontend = await pump.socket("router", {
    bind: [inproc("demo-frontend"), ipc("demo-frontend"), "tcp://127.0.0.1:*"],
    options: { linger: 0 },
  });
  const [inprocAt, ipcAt, tcpAt] = frontend.endpoints; // as bound: tcp with its port
  const endpoints = { inproc: inprocAt!, ipc: ipcAt!, tcp: tcpAt! };
  const backendAddress = inproc("demo-backend");
  const backend = await pump.socket("dealer", { bind: backendAddress });
  pipe(frontend.recv, backend.send);
  pipe(backend.recv, frontend.send);
  // #endregion broker

  // Workers echo [identity, request] straight back.
  for (let w = 0; w < workers; w++) {
    const worker = await pump.socket("dealer", { connect: backendAddress });
    void (async () => {
      for await (const message of worker.recv) await worker.send.put(message);
    })();
  }

  const stats = new Map(
    TRANSPORTS.map((t) => [t, { requests: 0, replies: 0, samples: new Samples() }]),
  );
  const recent = new Samples(); // latencies since the last progress line
  let inFlight = 0;
  let unmatched = 0;
  let sending = true;

  // #region client
  const client = async (socket: Sockets, transport: (typeof TRANSPORTS)[number]) => {
    const stat = stats.get(transport)!;
    const started = new Map<number, number>(); // request id → when it was sent
    let next = 0;
    const send = async () => {
      const id = next++;
      started.set(id, performance.now());
      stat.requests++;
      inFlight++;
      await socket.send.put(String(id));
    };
    for (let i = 0; i < window; i++) await send();
    // One loop takes every reply and, while the run lasts, sends the next request.
    while (started.size > 0) {
      const [reply] = (await socket.recv.take())!;
      const t0 = started.get(Number(reply!.toString()));
      if (t0 === undefined) {
        unmatched++;
        continue;
      }
      started.delete(Number(reply!.toString()));
      inFlight--;
      stat.replies++;
      const latency = performance.now() - t0;
      stat.samples.add(latency);
      recent.add(latency);
      if (sending) await send();
    }
  };
  // #endregion client

  const running: Array<Promise<void>> = [];
  for (let c = 0; c < clients; c++) {
    const transport = TRANSPORTS[c % TRANSPORTS.length]!;
    const socket = await pump.socket("dealer", { connect: endpoints[transport] });
    running.push(client(socket, transport));
  }

  // #region progress
  const progress = new Progress(out, live);
  const begin = performance.now();
  let last = begin;
  const tick = setInterval(
    () => {
      const now = performance.now();
      const replies = recent.count;
      const line =
        `${((now - begin) / 1000).toFixed(1).padStart(5)} s  ` +
        `${rate(((2 * replies) / (now - last)) * 1000).padStart(9)} msg/s  ` +
        `${String(inFlight).padStart(4)} in flight  ` +
        `p50 ${ms(recent.percentile(50))}  p99 ${ms(recent.percentile(99))}  ` +
        pumpLine(pump.stats());
      recent.clear();
      last = now;
      progress.show(line);
    },
    opts.intervalMs ?? (live ? 200 : 1000),
  );
  // #endregion progress

  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  sending = false;
  await Promise.all(running);
  clearInterval(tick);
  const elapsed = (performance.now() - begin) / 1000;
  progress.done();
  await pump.close();

  const transports = TRANSPORTS.map((transport) => {
    const s = stats.get(transport)!;
    return {
      transport,
      requests: s.requests,
      replies: s.replies,
      p50: s.samples.percentile(50),
      p99: s.samples.percentile(99),
      max: s.samples.percentile(100),
    };
  });
  const total = transports.reduce((n, t) => n + t.replies, 0);
  const summary = {
    seconds: elapsed,
    perSecond: total / elapsed,
    transports,
    unmatched,
    engine: pump.engine,
  };
  out.write(`\n${render(summary, clients, window, workers)}\n`);
  return summary;
}

// What the pump is doing (pump.stats()): messages waiting to go out and to be taken, sockets
// whose send is blocked now, errors so far.
function pumpLine(stats: PumpStats): string {
  let sendQueued = 0;
  let recvQueued = 0;
  let blocked = 0;
  let errors = 0;
  for (const s of stats.sockets) {
    sendQueued += s.sendQueued;
    recvQueued += s.recvQueued;
    if (s.blocked) blocked++;
    errors += s.errors;
  }
  return (
    `pump: ${stats.sockets.length} sockets, queued ${sendQueued} out/${recvQueued} in, ` +
    `${blocked} blocked, ${errors} errors`
  );
}

function render(s: DemoSummary, clients: number, window: number, workers: number): string {
  const rows = s.transports.map((t) => [
    t.transport,
    rate(t.requests),
    rate(t.replies),
    ms(t.p50),
    ms(t.p99),
    ms(t.max),
  ]);
  const all = s.transports.reduce((n, t) => n + t.replies, 0);
  return [
    `sluice demo: ${clients} DEALER clients x ${window} in flight -> ROUTER | DEALER broker -> ${workers} workers, one Pump (engine: ${s.engine})`,
    "",
    table(["transport", "requests", "replies", "p50", "p99", "max"], rows),
    "",
    `${rate(all)} round trips in ${s.seconds.toFixed(1)} s: ${rate(s.perSecond)} round trips/s, ` +
      `${rate(s.perSecond * 2)} msg/s end to end; ${s.unmatched} unmatched replies`,
  ].join("\n");
}

export const program: Program<DemoOptions> = {
  about:
    "demo: a ROUTER/DEALER broker, clients on inproc, ipc and tcp at once, and workers, on one pump",
  flags: {
    seconds: ["s", "how long clients keep sending (default 5); in-flight requests then drain"],
    clients: ["n", "client sockets, spread over the transports (default 6)"],
    window: ["n", "requests each client keeps in flight (default 32)"],
    workers: ["n", "worker sockets behind the broker (default 4)"],
    live: ["", "one live progress line (default: when stdout is a terminal)"],
    intervalMs: ["ms", "milliseconds between progress updates (default 200 live, 1000 plain)"],
  },
};

runAsProgram(module, main, program, (summary) => {
  if (summary.unmatched > 0) process.exitCode = 1;
});
