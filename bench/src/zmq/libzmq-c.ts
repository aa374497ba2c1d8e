// libzmq in C (bench/c/thr.c), the reference row of PUSH→PULL: compiled once per run with the
// system `cc`, against the system's libzmq when its headers (libzmq3-dev) are there, else against
// the libzmq inside zeromq.js's addon (the one the native engine calls; Linux), else skipped
// with the reason. It runs as a child process that binds the PULL and sends from a PUSH in a
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

const SYSTEM_HEADERS = "/usr/include/zmq.h";

/** Which libzmq the C programs are built against here: the system's, or zeromq.js's. */
export function cLibzmq(): string {
  return existsSync(SYSTEM_HEADERS)
    ? "the system's libzmq"
    : "zeromq.js's libzmq (no libzmq3-dev here)";
}

// Compiles bench/c/<program>.c into `dir` with the system `cc` and `args` (libraries, more
// sources): the binary's path, or why not.
function compile(
  dir: string,
  program: string,
  out: string,
  args: string[],
): string | { skipped: string } {
  const bin = join(dir, out);
  const source = join(__dirname, "..", "..", "c", `${program}.c`);
  const r = spawnSync("cc", ["-O2", "-o", bin, source, ...args], { encoding: "utf8" });
  if (r.status !== 0)
    return { skipped: `cc failed: ${r.error?.message ?? r.stderr.split("\n")[0]}` };
  return bin;
}

// Builds bench/c/<program>.c against the system's libzmq when its headers are there, else
// against zeromq.js's.
function build(dir: string, program: string, libs: string[]): string | { skipped: string } {
  if (existsSync(SYSTEM_HEADERS)) return compile(dir, program, program, ["-lzmq", ...libs]);
  return compileOnAddon(dir, program, `${program}-addon`, libs);
}

/** Builds thr into `dir`: the binary's path, or why there is no C row. */
export function buildC(dir: string): string | { skipped: string } {
  return build(dir, "thr", ["-lpthread"]);
}

/** n messages of `size` bytes over `bind` (a wildcard tcp port is fine), bounded by `timeoutMs`. */
export function runC(bin: string, bind: string, n: number, size: number, timeoutMs: number) {
  return runJson<CRun>(LIBZMQ_C, bin, [bind, String(n), String(size)], timeoutMs);
}

/**
 * Builds thr into `dir` against the libzmq inside zeromq.js's addon, whatever the system has
 * (probe.js libzmq-builds compares the two): the binary's path, or why not.
 */
export function buildCOnAddon(dir: string): string | { skipped: string } {
  return compileOnAddon(dir, "thr", "thr-addon", ["-lpthread"]);
}

// Compiles bench/c/<program>.c against the libzmq inside zeromq.js's addon. The addon also
// needs Node-API and libuv symbols that only Node has; the programs call none of them, so
// empty ones are compiled into the binary and exported (-rdynamic), where the loader finds them
// for the addon. Linux only.
function compileOnAddon(
  dir: string,
  program: string,
  out: string,
  libs: string[],
): string | { skipped: string } {
  if (process.platform !== "linux")
    return { skipped: "no libzmq3-dev, and zeromq.js's libzmq is linked on Linux only" };
  require("zeromq"); // loads the addon, so Node's module cache names its file
  const addon = Object.keys(require.cache).find((f) => /[\\/]zeromq[\\/].*\.node$/.test(f));
  if (addon === undefined) return { skipped: "zeromq.js's addon did not load" };
  const nm = spawnSync("nm", ["-D", "--undefined-only", addon], { encoding: "utf8" });
  if (nm.status !== 0) return { skipped: `nm failed: ${nm.stderr.split("\n")[0]}` };
  const names = nm.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/).pop() ?? "")
    .filter((s) => /^(napi_|uv_|node_)/.test(s));
  const stubs = join(dir, `${out}-stubs.c`);
  writeFileSync(stubs, names.map((s) => `void ${s}(void) {}\n`).join(""));
  // the addon's file name is its soname: a link of that name in `dir`, found through the rpath
  const link = join(dir, basename(addon));
  if (!existsSync(link)) symlinkSync(addon, link);
  return compile(dir, program, out, [
    stubs,
    link,
    "-rdynamic",
    `-Wl,-rpath,${dir}`,
    "-Wl,--allow-shlib-undefined",
    ...libs,
  ]);
}

/** Builds rtt (bench/c/rtt.c, REQ/REP round trips in C) into `dir`: its path, or why not. */
export function buildRtt(dir: string): string | { skipped: string } {
  return build(dir, "rtt", []);
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
