// pipeline, all of it from one parent; then each of the guide's roles (taskvent, taskwork,
// tasksink) against the guide's other two, written as the guide writes them: taskvent.py,
// taskwork.py and tasksink.py (pyzmq), and plain zeromq.js sockets. On the wire: "0" from the
// ventilator to the sink first, then workloads as decimal strings of ms, and an empty frame
// from a worker to the sink per task.
import * as zmq from "zeromq";
import { main, type PipelineOptions, type PipelineResult } from "../src/pipeline";
import {
  WAIT_MS,
  example,
  exitOf,
  inProcess,
  python,
  LISTENING,
  pythonCase,
  times,
  stopAll,
  track,
} from "./programs";

const withPython = pythonCase();

afterEach(stopAll);

/** The result of a role, narrowed to it: a run as another role fails the test. */
function as<R extends PipelineResult["role"]>(role: R, result: PipelineResult) {
  expect(result.role).toBe(role);
  return result as Extract<PipelineResult, { role: R }>;
}

const run = (opts: PipelineOptions) => inProcess(main, opts, `pipeline ${JSON.stringify(opts)}`);

/** A promise and the function that resolves it: "the workers are ready". */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// The workers are child processes running the compiled examples (examples/dist); the test
// command builds first. main() waits for every child to exit, and kills them if it fails.
describe("pipeline (PUSH/PULL, workers as processes)", () => {
  it.each(["tcp", "ipc"] as const)(
    "squares 1..n across worker processes over %s; the sink sums them",
    async (transport) => {
      const tasks = 60;
      const result = as("all", await main({ workers: 3, tasks, transport }));
      expect(result.sum).toBe((tasks * (tasks + 1) * (2 * tasks + 1)) / 6);
      expect(result.perWorker.reduce((a, b) => a + b, 0)).toBe(tasks);
      expect(result.exitCodes).toEqual([0, 0, 0]);
    },
  );
});

describe("pipeline --ventilator (taskvent)", () => {
  withPython("sends tasksink.py its 0, then taskwork.py the workloads as decimal ms", async () => {
    const sink = python("tasksink.py", ["tcp://127.0.0.1:*", "8"]);
    const [, sinkAt] = await sink.out.match(LISTENING);
    const ready = gate();
    const vent = run({
      ventilator: "tcp://127.0.0.1:*",
      results: sinkAt,
      tasks: 8,
      maxMs: 5,
      ready: ready.opened,
    });
    const [, ventAt] = await vent.out.match(LISTENING);
    const work = python("taskwork.py", [ventAt!, sinkAt!, "8"]);
    ready.open();

    const sent = as("ventilator", await vent.result());
    expect(sent.workloads).toHaveLength(8);
    for (const ms of sent.workloads) expect(ms >= 1 && ms <= 5).toBe(true);
    expect(sent.expectedMs).toBe(sent.workloads.reduce((a, b) => a + b, 0));
    expect((await exitOf(work)).code).toBe(0);
    expect(work.out.seen).toEqual(sent.workloads.map((ms) => `task b'${ms}'`));
    expect((await exitOf(sink)).code).toBe(0);
    expect(sink.out.seen.slice(1, -1)).toEqual(["start b'0'", ...times(8, () => "result b''")]);
  });

  it("sends a zeromq.js sink 0, then zeromq.js workers each workload as decimal ms", async () => {
    const sinkPull = track(new zmq.Pull({ linger: 0, receiveTimeout: WAIT_MS }));
    await sinkPull.bind("tcp://127.0.0.1:*");
    const ready = gate();
    const vent = run({
      ventilator: "tcp://127.0.0.1:*",
      results: sinkPull.lastEndpoint!,
      tasks: 6,
      maxMs: 1000,
      ready: ready.opened,
    });
    const [, ventAt] = await vent.out.match(LISTENING);
    const workerPull = track(new zmq.Pull({ linger: 0, receiveTimeout: WAIT_MS }));
    workerPull.connect(ventAt!);
    ready.open();

    expect(await sinkPull.receive()).toEqual([Buffer.from("0")]);
    const tasks: Buffer[][] = [];
    for (let n = 0; n < 6; n++) tasks.push(await workerPull.receive());
    const sent = as("ventilator", await vent.result());
    expect(tasks).toEqual(sent.workloads.map((ms) => [Buffer.from(String(ms))]));
    for (const ms of sent.workloads)
      expect(Number.isInteger(ms) && ms >= 1 && ms <= 1000).toBe(true);
  });

  it("without --tasks ventilates until its signal, then closes and resolves", async () => {
    const sinkPull = track(new zmq.Pull({ linger: 0, receiveTimeout: WAIT_MS }));
    await sinkPull.bind("tcp://127.0.0.1:*");
    const vent = run({
      ventilator: "tcp://127.0.0.1:*",
      results: sinkPull.lastEndpoint!,
      ready: Promise.resolve(),
    });
    const [, ventAt] = await vent.out.match(LISTENING);
    const workerPull = track(new zmq.Pull({ linger: 0, receiveTimeout: WAIT_MS }));
    workerPull.connect(ventAt!);
    for (let n = 0; n < 10; n++) await workerPull.receive();
    vent.stop();
    const sent = as("ventilator", await vent.result());
    expect(sent.sent).toBeGreaterThanOrEqual(10);
    expect(sent.workloads).toEqual([]); // an unbounded run keeps none
  });
});

describe("pipeline --worker (taskwork)", () => {
  withPython("does taskvent.py's workloads and answers tasksink.py with empty frames", async () => {
    const sink = python("tasksink.py", ["tcp://127.0.0.1:*", "6"]);
    const [, sinkAt] = await sink.out.match(LISTENING);
    const vent = python("taskvent.py", ["tcp://127.0.0.1:*", sinkAt!, "6", "5"], { stdin: true });
    const [, ventAt] = await vent.out.match(LISTENING);
    const worker = run({ worker: ventAt, results: sinkAt, tasks: 6 });
    await vent.out.match(/^Press Enter/);
    vent.child.stdin!.end("\n");

    expect((await exitOf(vent)).code).toBe(0);
    const sent = vent.out.seen.flatMap((l) => l.match(/^sent b'(\d+)'$/)?.[1] ?? []);
    expect(sent).toHaveLength(6);
    expect(as("worker", await worker.result())).toEqual({
      role: "worker",
      workloads: sent,
      done: 6,
    });
    expect((await exitOf(sink)).code).toBe(0);
    expect(sink.out.seen.slice(1, -1)).toEqual(["start b'0'", ...times(6, () => "result b''")]);
  });

  it("does a zeromq.js ventilator's workloads and pushes one empty frame each", async () => {
    const tasks = track(new zmq.Push({ linger: 0 }));
    await tasks.bind("tcp://127.0.0.1:*");
    const results = track(new zmq.Pull({ linger: 0, receiveTimeout: WAIT_MS }));
    await results.bind("tcp://127.0.0.1:*");
    const worker = run({ worker: tasks.lastEndpoint!, results: results.lastEndpoint!, tasks: 4 });
    for (const workload of ["3", "1", "2", "0"]) await tasks.send(workload);

    const got: Buffer[][] = [];
    for (let n = 0; n < 4; n++) got.push(await results.receive());
    expect(got).toEqual(times(4, () => [Buffer.alloc(0)]));
    expect(as("worker", await worker.result())).toEqual({
      role: "worker",
      workloads: ["3", "1", "2", "0"],
      done: 4,
    });
    expect(await worker.out.all()).toEqual(["3.1.2.0."]);
  });

  it("without --tasks works until its signal, then closes and resolves", async () => {
    const tasks = track(new zmq.Push({ linger: 0 }));
    await tasks.bind("tcp://127.0.0.1:*");
    const results = track(new zmq.Pull({ linger: 0 }));
    await results.bind("tcp://127.0.0.1:*");
    const worker = run({ worker: tasks.lastEndpoint!, results: results.lastEndpoint! });
    worker.stop();
    expect(await worker.result()).toEqual({ role: "worker", workloads: [], done: 0 });
  });
});

describe("pipeline --sink (tasksink)", () => {
  withPython("waits for taskvent.py's 0, then collects taskwork.py's results", async () => {
    const sink = run({ sink: "tcp://127.0.0.1:*", tasks: 6 });
    const [, sinkAt] = await sink.out.match(LISTENING);
    const vent = python("taskvent.py", ["tcp://127.0.0.1:*", sinkAt!, "6", "5"], { stdin: true });
    const [, ventAt] = await vent.out.match(LISTENING);
    const work = python("taskwork.py", [ventAt!, sinkAt!, "6"]);
    await vent.out.match(/^Press Enter/);
    vent.child.stdin!.end("\n");

    const got = as("sink", await sink.result());
    expect(got).toMatchObject({ start: "0", results: times(6, () => ""), received: 6 });
    expect(await sink.out.all()).toEqual([
      `listening on ${sinkAt}`,
      ":.....",
      `Total elapsed time: ${got.elapsedMs} msec`,
    ]);
    expect((await exitOf(work)).code).toBe(0);
    expect((await exitOf(vent)).code).toBe(0);
  });

  it("takes the first message from zeromq.js as the batch start, then the results", async () => {
    const sink = run({ sink: "tcp://127.0.0.1:*", tasks: 12 });
    const [, sinkAt] = await sink.out.match(LISTENING);
    const push = track(new zmq.Push({ linger: 0 }));
    push.connect(sinkAt!);
    await push.send("0");
    for (let n = 0; n < 12; n++) await push.send("");

    const got = as("sink", await sink.result());
    expect(got).toMatchObject({ start: "0", results: times(12, () => ""), received: 12 });
    expect((await sink.out.all())[1]).toBe(":.........:.");
  });

  it("without --tasks collects until its signal, then closes and resolves", async () => {
    const sink = run({ sink: "tcp://127.0.0.1:*" });
    await sink.out.match(LISTENING);
    sink.stop();
    expect(await sink.result()).toMatchObject({
      role: "sink",
      start: undefined,
      results: [],
      received: 0,
    });
  });
});

describe("pipeline as programs (examples/dist/pipeline.js)", () => {
  it("--sink, --ventilator (Enter on stdin) and --worker run as three programs and exit 0", async () => {
    const sink = example("pipeline", ["--sink", "tcp://127.0.0.1:*", "--tasks", "6"]);
    const [, sinkAt] = await sink.out.match(LISTENING);
    const vent = example(
      "pipeline",
      ["--ventilator", "tcp://127.0.0.1:*", "--results", sinkAt!, "--tasks", "6", "--maxMs", "5"],
      { stdin: true },
    );
    const [, ventAt] = await vent.out.match(LISTENING);
    // Without --tasks: it works until SIGTERM.
    const worker = example("pipeline", ["--worker", ventAt!, "--results", sinkAt!]);
    await vent.out.match(/^Press Enter when the workers are ready: $/);
    vent.child.stdin!.end("\n");

    const sank = await exitOf(sink);
    expect(sank).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(sank.stdout).toMatch(/^listening on \S+\n:\.{5}\nTotal elapsed time: \d+ msec$/);
    const vented = await exitOf(vent);
    expect(vented).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(vented.stdout).toMatch(
      /\nSending tasks to workers\.\.\.\nTotal expected cost: \d+ msec$/,
    );
    worker.child.kill("SIGTERM");
    const worked = await exitOf(worker);
    expect(worked).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(worked.stdout).toMatch(/^([1-5]\.){6}$/);
  });

  it.each([
    [["--ventilator", "tcp://127.0.0.1:*"], /--ventilator needs --results/],
    [
      ["--worker", "tcp://127.0.0.1:*", "--results", "tcp://127.0.0.1:5558"],
      /^--worker needs the address/m,
    ],
    [["--sink", "5558"], /^--sink needs an endpoint/m],
    [
      ["--sink", "tcp://127.0.0.1:*", "--results", "tcp://127.0.0.1:5558"],
      /--results is not used with --sink/,
    ],
    [["--sink", "tcp://127.0.0.1:*", "--tasks", "-3"], /^--tasks must be a whole number/m],
    [["--sink", "tcp://127.0.0.1:*", "--worker", "tcp://127.0.0.1:5557"], /--worker and --sink/],
    [
      ["--ventilator", "tcp://127.0.0.1:*", "--results", "tcp://127.0.0.1:5558", "--maxMs", "0"],
      /^--maxMs must be 1 or more/m,
    ],
  ])("refuses %j with exit code 2 and a message naming the flag", async (args, message) => {
    const run = await exitOf(example("pipeline", args));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(message);
  });
});
