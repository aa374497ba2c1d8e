// pipeline: the guide's divide and conquer (taskvent, taskwork2, tasksink2). A ventilator
// PUSHes tasks to workers, which PUSH results to a sink; a publisher tells the workers to stop.
// The workers are separate processes (pipeline-worker.ts) on tcp loopback or ipc: the same code
// spans processes, and with a real address, machines.
import { chan, select, type Channel } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as zmq from "zeromq";
import { ipc, runAsProgram } from "./cli";

export interface PipelineOptions {
  /** How many worker processes (default 3). */
  workers?: number;
  /** How many tasks: the numbers 1..tasks, each squared by some worker (default 100). */
  tasks?: number;
  /** "tcp" (loopback, free ports) or "ipc" (default "tcp"). */
  transport?: "tcp" | "ipc";
}

export interface PipelineResult {
  /** The sum of the squares, as the sink added it up from the results. */
  sum: number;
  /** How many results the sink received. */
  results: number;
  /** Per worker id: how many tasks it reported doing. */
  perWorker: number[];
  /** Every worker process's exit code, in id order. */
  exitCodes: Array<number | null>;
}

// The compiled worker: from dist/ it sits next to this file; from src/ (tests) it is in ../dist.
const workerScript = join(__dirname, "..", "dist", "pipeline-worker.js");

export async function main(opts: PipelineOptions = {}): Promise<PipelineResult> {
  const workers = opts.workers ?? 3;
  const tasks = opts.tasks ?? 100;
  if (!existsSync(workerScript)) {
    throw new Error(`pipeline: ${workerScript} is missing; build first: npx -y pnpm@10 build`);
  }

  const pump = new Pump();
  // #region bind
  // Bind where the workers will connect. On tcp port "*" the OS picks a free port; the
  // zeromq socket tells us which, so bind it ourselves and register() it.
  const bind = async <S extends zmq.Socket & { bind(a: string): Promise<void> }>(socket: S) => {
    await socket.bind(opts.transport === "ipc" ? ipc("pipeline") : "tcp://127.0.0.1:*");
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
  const { channel, value } = await select([from, exits], { priority: true });
  if (channel === exits) {
    throw new Error(`pipeline: worker ${value.id} exited early with code ${value.code}`);
  }
  if (value === undefined) throw new Error("pipeline: a socket closed early");
  return value as T;
}

runAsProgram(module, main, ["workers", "tasks", "transport"], (result) => {
  console.log(`sum of squares: ${result.sum} from ${result.results} results`);
  console.log(`tasks per worker: ${result.perWorker.join(", ")}`);
});
