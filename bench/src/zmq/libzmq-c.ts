// libzmq in C (bench/c/thr.c), the reference row of PUSH→PULL: compiled once per run with the
// system `cc` when a compiler and libzmq's headers (libzmq3-dev) are there, else skipped with
// the reason. It runs as a child process that binds the PULL and sends from a PUSH in a
// process of its own over ipc and tcp (as libzmq's local_thr/remote_thr; a thread over inproc),
// and prints its own first-to-last time, checksum and peak RSS (decision K6).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { runJson } from "../child";

export const LIBZMQ_C = "libzmq C";

/** What one thr run reports for its PULL side. */
export interface CRun {
  seconds: number;
  sum: number;
  peakRssMB: number;
}

// Compiles bench/c/<program>.c into `dir` with the system `cc`, against libzmq's headers and
// `libs` (the system's libzmq unless told otherwise): the binary's path, or why not.
function compile(
  dir: string,
  program: string,
  out: string,
  libs: string[],
): string | { skipped: string } {
  if (!existsSync("/usr/include/zmq.h")) return { skipped: "no /usr/include/zmq.h (libzmq3-dev)" };
  const bin = join(dir, out);
  const source = join(__dirname, "..", "..", "c", `${program}.c`);
  const r = spawnSync("cc", ["-O2", "-o", bin, source, ...libs], { encoding: "utf8" });
  if (r.status !== 0)
    return { skipped: `cc failed: ${r.error?.message ?? r.stderr.split("\n")[0]}` };
  return bin;
}

/** Builds thr into `dir`: the binary's path, or why there is no C row. */
export function buildC(dir: string): string | { skipped: string } {
  return compile(dir, "thr", "thr", ["-lzmq", "-lpthread"]);
}

/** n messages of `size` bytes over `bind` (a wildcard tcp port is fine), bounded by `timeoutMs`. */
export function runC(
  bin: string,
  bind: string,
  n: number,
  size: number,
  timeoutMs: number,
  preload?: string,
) {
  const env = preload === undefined ? undefined : { ...process.env, LD_PRELOAD: preload };
  return runJson<CRun>(LIBZMQ_C, bin, [bind, String(n), String(size)], timeoutMs, env);
}

/**
 * Builds thr into `dir` against the libzmq inside zeromq.js's addon (the one the native engine
 * calls), not the system's: the binary's path, or why not. The addon also needs Node-API and
 * libuv symbols that only Node has; thr calls none of them, so a stub library defines them
 * (run the binary with `preload` in LD_PRELOAD). Linux only (probe.js libzmq-builds).
 */
export function buildCOnAddon(dir: string): { bin: string; preload: string } | { skipped: string } {
  if (process.platform !== "linux") return { skipped: "Linux only" };
  if (!existsSync("/usr/include/zmq.h")) return { skipped: "no /usr/include/zmq.h (libzmq3-dev)" };
  require("zeromq"); // loads the addon, so Node's module cache names its file
  const addon = Object.keys(require.cache).find((f) => /[\\/]zeromq[\\/].*\.node$/.test(f));
  if (addon === undefined) return { skipped: "zeromq.js's addon did not load" };
  const nm = spawnSync("nm", ["-D", "--undefined-only", addon], { encoding: "utf8" });
  if (nm.status !== 0) return { skipped: `nm failed: ${nm.stderr.split("\n")[0]}` };
  const names = nm.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/).pop() ?? "")
    .filter((s) => /^(napi_|uv_|node_)/.test(s));
  const stubs = join(dir, "stubs.c");
  writeFileSync(stubs, names.map((s) => `void ${s}(void) {}\n`).join(""));
  const preload = join(dir, "libstubs.so");
  const r = spawnSync("cc", ["-shared", "-fPIC", "-o", preload, stubs], { encoding: "utf8" });
  if (r.status !== 0) return { skipped: `cc (stubs) failed: ${r.stderr.split("\n")[0]}` };
  // the addon's file name is its soname: a link of that name in `dir`, found through the rpath
  symlinkSync(addon, join(dir, basename(addon)));
  const bin = compile(dir, "thr", "thr-addon", [
    join(dir, basename(addon)),
    `-Wl,-rpath,${dir}`,
    "-Wl,--allow-shlib-undefined",
    "-lpthread",
  ]);
  return typeof bin === "string" ? { bin, preload } : bin;
}

/** Builds rtt (bench/c/rtt.c, REQ/REP round trips in C) into `dir`: its path, or why not. */
export function buildRtt(dir: string): string | { skipped: string } {
  return compile(dir, "rtt", "rtt", ["-lzmq"]);
}

/**
 * Builds a C program of bench/c/ (`build`: buildC, buildRtt) into a fresh temporary directory,
 * runs `body` with its path, and removes the directory; a program that cannot be built is an
 * Error naming the probe (`what`) and the reason.
 */
export async function withBuilt<T>(
  what: string,
  build: (dir: string) => string | { skipped: string },
  body: (bin: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-probe-"));
  try {
    const bin = build(dir);
    if (typeof bin !== "string") throw new Error(`${what} needs libzmq C: ${bin.skipped}`);
    return await body(bin);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
