// Shared by the pump's tests: transports, unique addresses, bounded waits, and programs run
// against the built package in a process of their own.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { type Channel, select, timeout } from "@sluice/channels";

/** Every test that talks over a socket runs once per transport (zeromq.js's habit). */
export const TRANSPORTS = ["inproc", "ipc", "tcp"] as const;
export type Transport = (typeof TRANSPORTS)[number];

let sequence = 0;

// libzmq (4.3) leaves an ipc socket's file behind when the socket closes, even after unbind, so
// a test file's ipc paths live in a directory of its own, removed when the file's tests end.
// (Jest evaluates this module once per test file, so this hook is registered in each.)
let ipcDir: string | undefined;
afterAll(() => {
  if (ipcDir !== undefined) fs.rmSync(ipcDir, { recursive: true, force: true });
  ipcDir = undefined;
});

/** A fresh address: a unique inproc name, a unique ipc path, or tcp on a free port. */
export function address(transport: Transport): string {
  const id = `sluice-${process.pid}-${++sequence}-${Math.random().toString(36).slice(2, 8)}`;
  if (transport === "inproc") return `inproc://${id}`;
  if (transport === "ipc") {
    ipcDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "sluice-test-"));
    return `ipc://${path.join(ipcDir, id + ".sock")}`;
  }
  return "tcp://127.0.0.1:*";
}

/** Takes one value, or fails the test after `ms` instead of hanging (the timer is cleared). */
export async function takeWithin<T>(ch: Channel<T>, ms = 5000, what = "a value"): Promise<T> {
  const ready = ch.poll();
  if (ready !== undefined) return ready;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no ${what} within ${ms} ms`)), ms);
  try {
    const value = await ch.take({ signal: abort.signal });
    if (value === undefined) throw new Error(`channel closed while waiting for ${what}`);
    return value;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One step of a slow consumer: waits as `pause` says (0: not at all, 1: a microtask, 2: 1 ms),
 * then takes the next value of `recv`, or returns "done" when `done` (while given) has a value
 * first. Fails after `ms`, naming `what`.
 */
export async function pauseThenTake<T>(
  recv: Channel<T>,
  done: Channel<true> | undefined,
  pause: number,
  what: string,
  ms = 5000,
): Promise<T | undefined | "done"> {
  if (pause === 1) await Promise.resolve();
  else if (pause === 2) await sleep(1);
  const stop = new AbortController(); // frees the deadline's timer once select is done
  const deadline = timeout(ms, { signal: stop.signal });
  const r = await select(done === undefined ? [recv, deadline] : [recv, done, deadline]).finally(
    () => stop.abort(),
  );
  if (r.channel === deadline) throw new Error(`no ${what} within ${ms} ms`);
  return r.channel === done ? "done" : (r.value as T | undefined);
}

/** Takes `n` values (each within `ms`). */
export async function takeN<T>(ch: Channel<T>, n: number, ms = 5000): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await takeWithin(ch, ms, `value ${i + 1} of ${n}`));
  return out;
}

/** Resolves with the promise's value, or rejects after `ms` naming `what`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Frames as strings, for readable assertions. */
export function text(frames: Buffer[]): string[] {
  return frames.map((f) => f.toString());
}

/** A real timer, for letting the sockets' I/O happen. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * How many of the objects `make` hands to `watch` the collector takes within ten rounds of
 * gc(): what nothing holds any more is taken in the first.
 */
export async function collected(
  make: (watch: (o: object) => void) => void | Promise<void>,
): Promise<number> {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  let watched = 0;
  let taken = 0;
  const registry = new FinalizationRegistry(() => taken++);
  await make((o) => registry.register(o, watched++));
  for (let i = 0; i < 10 && taken < watched; i++) {
    gc();
    await sleep(10); // FinalizationRegistry callbacks run in a later task
  }
  return taken;
}

/**
 * Runs `body` (the inside of an async function, with `Pump` from the built package in scope)
 * in a Node process of its own, killed after 20 s: its exit and what it printed.
 */
export function runWithPump(
  body: string,
  env: Readonly<Record<string, string>> = {},
): {
  status: number | null;
  signal: string | null;
  out: string;
} {
  const dist = path.join(__dirname, "..", "dist", "index.js");
  const r = spawnSync(
    process.execPath,
    [
      "-e",
      `const { Pump } = require(${JSON.stringify(dist)});
       (async () => { ${body} })().catch((e) => { console.error(e); process.exit(3); });`,
    ],
    { encoding: "utf8", timeout: 20_000, killSignal: "SIGKILL", env: { ...process.env, ...env } },
  );
  return { status: r.status, signal: r.signal, out: r.stdout + r.stderr };
}

/**
 * Runs `body` (a script with `Pump` from the built package in scope, which posts "ready" on
 * `parentPort` once its sockets are busy) in worker threads of a process of its own
 * (runWithPump): three are ended by `terminate()` once ready, a fourth ends itself with
 * `process.exit()` `exitAfterMs` after it started. The process prints "workers ended" if it
 * got through all four.
 */
export function endWorkers(body: string, exitAfterMs: number): ReturnType<typeof runWithPump> {
  const dist = path.join(__dirname, "..", "dist", "index.js");
  const code = `const { Pump } = require(${JSON.stringify(dist)});\n${body}`;
  return runWithPump(`
    const { Worker } = require("node:worker_threads");
    const code = ${JSON.stringify(code)};
    for (let i = 0; i < 3; i++) {
      const w = new Worker(code, { eval: true });
      await new Promise((resolve) => w.once("message", resolve));
      await w.terminate();
    }
    const w = new Worker(code + ";setTimeout(() => process.exit(0), ${exitAfterMs})", { eval: true });
    await new Promise((resolve) => w.once("exit", resolve));
    console.log("workers ended");`);
}
