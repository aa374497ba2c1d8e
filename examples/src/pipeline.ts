// pipeline: the guide's divide and conquer (taskvent, taskwork2, tasksink2). A ventilator
// PUSHes tasks to workers, which PUSH results to a sink; a publisher tells the workers to stop.
// The workers are separate processes (pipeline-worker.ts) on tcp loopback or ipc: the same code
// spans processes, and with a real address, machines.
//
// With a role flag, one of the guide's taskvent, taskwork or tasksink (pipeline-roles.ts), on
// the guide's wire format, so it runs against the guide's programs in any language:
//
//   node dist/pipeline.js --sink 'tcp://127.0.0.1:*' [--tasks 100]
//   node dist/pipeline.js --worker tcp://127.0.0.1:5557 --results tcp://127.0.0.1:5558 [--tasks N]
//   node dist/pipeline.js --ventilator 'tcp://127.0.0.1:*' --results tcp://127.0.0.1:5558
//                         [--tasks 100] [--maxMs 100]
import { chan, select, type Channel } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as zmq from "zeromq";
import {
  countFlag,
  endpointFlag,
  ipc,
  pickRole,
  roleFor,
  runAsProgram,
  UsageError,
  type Program,
} from "./cli";
import {
  sink,
  ventilator,
  worker,
  type SinkResult,
  type VentilatorResult,
  type WorkerResult,
} from "./pipeline-roles";

export interface PipelineOptions {
  /** How many worker processes (default 3). */
  workers?: number | undefined;
  /**
   * How many tasks: the numbers 1..tasks, each squared by some worker (default 100). With a
   * role: how many tasks the ventilator sends, a worker does, the sink collects; a role
   * without it runs until `signal` (SIGINT or SIGTERM) aborts.
   */
  tasks?: number | undefined;
  /** "tcp" (loopback, free ports) or "ipc" (default "tcp"). */
  transport?: "tcp" | "ipc" | undefined;
  /** Be the ventilator (taskvent): bind a PUSH here for the workers; needs --results. */
  ventilator?: string | undefined;
  /** Be a worker (taskwork): connect a PULL here, to the ventilator; needs --results. */
  worker?: string | undefined;
  /** Be the sink (tasksink): bind a PULL here for the ventilator and the workers. */
  sink?: string | undefined;
  /** With --ventilator or --worker: the sink's endpoint, to connect a PUSH to. */
  results?: string | undefined;
  /** With --ventilator: each workload is 1..maxMs milliseconds, at random (default 100). */
  maxMs?: number | undefined;
  /** With --ventilator: resolves when the workers are ready (default: Enter on stdin). */
  ready?: Promise<unknown> | undefined;
  /** Where a role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops a role: it closes its pump and resolves with what it did so far. */
  signal?: AbortSignal | undefined;
}

export type PipelineResult =
  | {
      role: "all";
      /** The sum of the squares, as the sink added it up from the results. */
      sum: number;
      /** How many results the sink received. */
      results: number;
      /** Per worker id: how many tasks it reported doing. */
      perWorker: number[];
      /** Every worker process's exit code, in id order. */
      exitCodes: Array<number | null>;
    }
  | ({ role: "ventilator" } & VentilatorResult)
  | ({ role: "worker" } & WorkerResult)
  | ({ role: "sink" } & SinkResult);

// The compiled worker: from dist/ it sits next to this file; from src/ (tests) it is in ../dist.
const workerScript = join(__dirname, "..", "dist", "pipeline-worker.js");

/** Role flag → the other flags that role reads (`""`: the whole pipeline, workers as processes). */
const ROLES = {
  "": ["workers", "tasks", "transport"],
  ventilator: ["results", "tasks", "maxMs"],
  worker: ["results", "tasks"],
  sink: ["tasks"],
};

export async function main(opts: PipelineOptions = {}): Promise<PipelineResult> {
  const role = pickRole("pipeline", opts, ROLES);
  const run = roleFor(countFlag("tasks", opts.tasks), opts);
  const results = () => {
    if (opts.results === undefined) {
      throw new UsageError(`pipeline: --${role} needs --results, the sink's endpoint`);
    }
    return endpointFlag("results", opts.results, false);
  };
  switch (role) {
    case "ventilator": {
      const endpoint = endpointFlag("ventilator", opts.ventilator, true);
      const maxMs = countFlag("maxMs", opts.maxMs) ?? 100;
      if (maxMs < 1) throw new UsageError(`--maxMs must be 1 or more, got ${maxMs}`);
      return { role, ...(await ventilator(endpoint, results(), maxMs, opts.ready, run)) };
    }
    case "worker":
      return {
        role,
        ...(await worker(endpointFlag("worker", opts.worker, false), results(), run)),
      };
    case "sink":
      return { role, ...(await sink(endpointFlag("sink", opts.sink, true), run)) };
  }
  return { role: "all", ...(await all(opts.workers ?? 3, run.count ?? 100, opts.transport)) };
}

// Both ends and the workers: this process ventilates and sinks, the workers are children.
async function all(workers: number, tasks: number, transport: "tcp" | "ipc" | undefined) {
  if (!existsSync(workerScript)) {
    throw new Error(`pipeline: ${workerScript} is missing; build first: npx -y pnpm@10 build`);
  }

  const pump = new Pump();
  // #region bind
  // Bind where the workers will connect. On tcp port "*" the OS picks a free port; the
  // zeromq socket tells us which, so bind it ourselves and register() it.
  const bind = async <S extends zmq.Socket & { bind(a: string): Promise<void> }>(socket: S) => {
    await socket.bind(transport === "ipc" ? ipc("pipeline") : "tcp://127.0.0.1:*");
    return { endpoint: socket.lastEndpoint!, sockets: pump.register(socket) };
  };
  const ventilator = await bind(new zmq.Push());
  const sink = await bind(new zmq.Pull());
  const controller = await bind(new zmq.XPublisher());
  // #endregion bind

  // #region spawn
  const exits = chan<{ id: number; code: number | null }>(workers);
  const children: ChildProcess[] = [];
  const exited: Array<Promise<unknown>> = [];
  for (let id = 0; id < workers; id++) {
    const child = spawn(
      process.execPath,
      [workerScript, String(id), ventilator.endpoint, sink.endpoint, controller.endpoint],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    exited.push(new Promise((resolve) => child.once("exit", resolve)));
    child.on("exit", (code) => void exits.offer({ id, code }));
    children.push(child);
  }
  // #endregion spawn

  const exitCodes: Array<number | null> = new Array(workers).fill(null);
  try {
    // #region start
    // Wait until every worker has subscribed to its stop order: then it is connected, and the
    // order cannot be lost to the slow joiner. A worker that dies instead is an error.
    const joined = new Set<string>();
    while (joined.size < workers) {
      const frames = await takeOrFail(controller.sockets.recv, exits);
      if (frames[0]![0] === 1) joined.add(frames[0]!.subarray(1).toString());
    }
    // #endregion start

    // #region ventilate
    const sending = (async () => {
      for (let n = 1; n <= tasks; n++) await ventilator.sockets.send.put(String(n));
    })();

    let sum = 0;
    const perWorker: number[] = new Array(workers).fill(0);
    for (let received = 0; received < tasks; received++) {
      const [result] = await takeOrFail(sink.sockets.recv, exits);
      const [id, square] = result!.toString().split(" ").map(Number);
      perWorker[id!]!++;
      sum += square!;
    }
    await sending;
    // #endregion ventilate

    // #region stop
    for (let id = 0; id < workers; id++) await controller.sockets.send.put(`kill.${id}.`);
    for (let seen = 0; seen < workers; seen++) {
      const { id, code } = (await exits.take())!;
      exitCodes[id] = code;
    }
    // #endregion stop
    return { sum, results: tasks, perWorker, exitCodes };
  } finally {
    // On any failure above, take every worker down with us: no orphan processes.
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill();
    await Promise.all(exited);
    await pump.close();
  }
}

// A take from `from`, unless a worker process exits first: then fail, naming it.
async function takeOrFail<T>(
  from: Channel<T>,
  exits: Channel<{ id: number; code: number | null }>,
) {
  const r = await select([from, exits], { priority: true });
  if (r.index === 1) {
    const exit = r.value; // undefined only if exits were closed, which nothing does
    throw new Error(`pipeline: worker ${exit?.id} exited early with code ${exit?.code}`);
  }
  if (r.value === undefined) throw new Error("pipeline: a socket closed early");
  return r.value;
}

export const program: Program<PipelineOptions> = {
  about:
    "pipeline: the guide's taskvent, taskwork and tasksink, workers as processes; a role flag: one",
  flags: {
    workers: ["n", "worker processes (default 3)"],
    tasks: ["n", "tasks to send, do or collect (default 100; a role without it: until SIGINT)"],
    transport: ["tcp|ipc", "tcp loopback or ipc between the processes (default tcp)"],
    ventilator: ["endpoint", "be taskvent: bind a PUSH here; sends once Enter is pressed"],
    worker: ["endpoint", "be taskwork: connect a PULL here, to the ventilator"],
    sink: ["endpoint", "be tasksink: bind a PULL here for the ventilator and workers"],
    results: ["endpoint", "with --ventilator or --worker: the sink's endpoint"],
    maxMs: ["ms", "with --ventilator: each workload is 1..maxMs milliseconds (default 100)"],
  },
  roles: ROLES,
  stopOnSignal: true,
};

runAsProgram(module, main, program, (result) => {
  // A role printed its lines as it went.
  if (result.role !== "all") return;
  console.log(`sum of squares: ${result.sum} from ${result.results} results`);
  console.log(`tasks per worker: ${result.perWorker.join(", ")}`);
});
