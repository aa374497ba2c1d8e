// What the role tests share: the examples' roles run against the guide's other side, as a
// child process (a compiled example, or the guide's Python program in peers/) or in-process;
// their printed lines read with a bounded wait; every child killed and awaited after each test.
//
// Invariants:
// - Every wait is bounded (a line, an exit): a peer that stays silent fails the test, never
//   hangs it.
// - stopAll() leaves nothing running: each child killed (SIGKILL) unless it exited, and
//   awaited; each in-process role aborted and awaited; each zeromq.js socket closed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import type * as zmq from "zeromq";

const PYTHON = "/usr/bin/python3";
const PEERS = join(__dirname, "peers");
const DIST = join(__dirname, "..", "dist");

/** How long a line or an exit may take before the test fails (the machine is slow and noisy). */
export const WAIT_MS = 15_000;

/**
 * Why the Python cases are skipped (/usr/bin/python3 cannot `import zmq`), or `undefined` when
 * they run. Printed once per test file that asks.
 */
export function pythonMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore", timeout: 10_000 });
  if (probe.status === 0) return undefined;
  const reason = `${PYTHON} cannot import zmq (install python3-zmq): the Python peer cases are skipped`;
  console.log(reason);
  return reason;
}

/** `it` for a case against a Python peer: `it.skip` when {@link pythonMissing} says why. */
export function pythonCase(): jest.It {
  return pythonMissing() === undefined ? it : it.skip;
}

/** The line a role that binds prints first; its group is the endpoint a peer connects to. */
export const LISTENING = /^listening on (tcp:\/\/127\.0\.0\.1:\d+)$/;

/** `[f(0), …, f(n - 1)]` */
export const times = <T>(n: number, f: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => f(i));

/** The lines a stream prints, and a bounded wait for the one that matches. */
export class Lines {
  readonly seen: string[] = [];
  #waiters: Array<{ pattern: RegExp; found: (m: RegExpMatchArray) => void }> = [];
  #ended = false;
  #onEnd: Array<() => void> = [];

  constructor(
    stream: NodeJS.ReadableStream,
    readonly what: string,
  ) {
    createInterface({ input: stream, crlfDelay: Infinity })
      .on("line", (line) => {
        this.seen.push(line);
        this.#waiters = this.#waiters.filter((w) => {
          const m = line.match(w.pattern);
          if (m) w.found(m);
          return !m;
        });
      })
      .on("close", () => {
        this.#ended = true;
        for (const end of this.#onEnd.splice(0)) end();
      });
  }

  /** Every line, once the stream has ended; fails after `ms`. */
  all(ms = WAIT_MS): Promise<string[]> {
    if (this.#ended) return Promise.resolve(this.seen);
    return within(
      new Promise<string[]>((resolve) => this.#onEnd.push(() => resolve(this.seen))),
      `${this.what}: the end of its output`,
      ms,
    );
  }

  /** The first line, printed already or to come, that matches; fails after `ms` or at the end. */
  match(pattern: RegExp, ms = WAIT_MS): Promise<RegExpMatchArray> {
    for (const line of this.seen) {
      const m = line.match(pattern);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `${this.what}: ${why} printed no line matching ${pattern}; it printed:\n${this.seen.join("\n")}`,
          ),
        );
      };
      const timer = setTimeout(() => fail(`in ${ms} ms`), ms);
      const waiter = {
        pattern,
        found: (m: RegExpMatchArray) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.#waiters.push(waiter);
      if (this.#ended) fail("it ended and");
      else this.#onEnd.push(() => fail("it ended and"));
    });
  }
}

/** What `promise` settles with, or a failure naming `what` when that takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A child process the test started. */
export interface Program {
  readonly child: ChildProcess;
  /** What it printed on stdout, line by line. */
  readonly out: Lines;
  /** What it printed on stderr so far. */
  stderr(): string;
  /** Settles when it has exited: the code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<Program>();

/** Whether the test writes to the program's stdin (`child.stdin`); else it reads /dev/null. */
export interface StartOptions {
  stdin?: boolean;
}

function start(
  command: string,
  args: readonly string[],
  what: string,
  opts: StartOptions,
): Program {
  const stdin = opts.stdin ? "pipe" : "ignore";
  const child = spawn(command, [...args], { stdio: [stdin, "pipe", "pipe"] });
  child.stdin?.on("error", () => {}); // a program that exited before reading: seen in its exit
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  child.on("error", () => {}); // a failed spawn also closes: seen as an exit
  const program: Program = {
    child,
    out: new Lines(child.stdout!, what),
    stderr: () => stderr,
    exited,
  };
  running.add(program);
  void exited.then(() => running.delete(program));
  return program;
}

/** `node examples/dist/<example>.js ...args` (the test command builds first). */
export function example(name: string, args: readonly string[], opts: StartOptions = {}): Program {
  return start(
    process.execPath,
    [join(DIST, `${name}.js`), ...args],
    `${name}.js ${args.join(" ")}`,
    opts,
  );
}

/** `python3 -u examples/test/peers/<script> ...args`: the guide's program in Python. */
export function python(script: string, args: readonly string[], opts: StartOptions = {}): Program {
  return start(PYTHON, ["-u", join(PEERS, script), ...args], `${script} ${args.join(" ")}`, opts);
}

/** How the program ended, within `ms`; fails the test (and kills it) when it has not. */
export async function exitOf(
  program: Program,
  ms = WAIT_MS,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let how: { code: number | null; signal: NodeJS.Signals | null };
  try {
    how = await within(program.exited, `${program.out.what}: exit`, ms);
  } catch {
    program.child.kill("SIGKILL");
    await program.exited;
    throw new Error(
      `${program.out.what}: still running after ${ms} ms:\n${program.out.seen.join("\n")}\n${program.stderr()}`,
    );
  }
  return { ...how, stdout: program.out.seen.join("\n"), stderr: program.stderr() };
}

/** An example's `main` running in this process, as one role. */
export interface InProcess<R> {
  /** What it printed (its `out`), line by line. */
  readonly out: Lines;
  /** What `main` resolved with, or a failure when that takes longer than {@link WAIT_MS}. */
  result(): Promise<R>;
  /** What SIGINT/SIGTERM do to the program: aborts its `signal`. */
  stop(): void;
}

const roles = new Set<{ stop: AbortController; settled: Promise<unknown> }>();

/** Runs `main(opts)` here, with an `out` to read and a `signal` to stop it (by stopAll too). */
export function inProcess<O, R>(
  main: (opts: O & { out: NodeJS.WritableStream; signal: AbortSignal }) => Promise<R>,
  opts: O,
  what: string,
): InProcess<R> {
  const out = new PassThrough();
  const stop = new AbortController();
  const done = main({ ...opts, out, signal: stop.signal });
  const settled = done.then(
    () => out.end(),
    () => out.end(),
  );
  const role = { stop, settled };
  roles.add(role);
  void settled.then(() => roles.delete(role));
  return {
    out: new Lines(out, what),
    result: () => within(done, what),
    stop: () => stop.abort(new Error("stopped by the test")),
  };
}

const sockets = new Set<zmq.Socket>();

/** A zeromq.js socket the test made (a plain zeromq.js peer), for stopAll to close. */
export function track<S extends zmq.Socket>(socket: S): S {
  sockets.add(socket);
  return socket;
}

/**
 * For afterEach: kills every child still running and waits until each has exited, stops every
 * in-process role and waits until it has closed its pump, and closes every tracked socket.
 */
export async function stopAll(): Promise<void> {
  const left = [...running];
  for (const p of left) p.child.kill("SIGKILL");
  for (const r of roles) r.stop.abort(new Error("the test is over"));
  for (const s of sockets) s.close();
  sockets.clear();
  const ended = Promise.all([...left.map((p) => p.exited), ...[...roles].map((r) => r.settled)]);
  await within(ended, "stopping the test's programs and roles");
}
