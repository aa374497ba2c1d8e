// libzmq in C (bench/c/thr.c), the reference row of PUSH→PULL: compiled once per run with the
// system `cc` when a compiler and libzmq's headers (libzmq3-dev) are there, else skipped with
// the reason. It runs as a child process that binds the PULL and sends from a PUSH in a
// process of its own over ipc and tcp (as libzmq's local_thr/remote_thr; a thread over inproc),
// and prints its own first-to-last time, checksum and peak RSS (decision K6).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runJson } from "../child";

export const LIBZMQ_C = "libzmq C";

/** What one thr run reports for its PULL side. */
export interface CRun {
  seconds: number;
  sum: number;
  peakRssMB: number;
}

/** Builds thr into `dir`: the binary's path, or why there is no C row. */
export function buildC(dir: string): string | { skipped: string } {
  if (!existsSync("/usr/include/zmq.h")) return { skipped: "no /usr/include/zmq.h (libzmq3-dev)" };
  const out = join(dir, "thr");
  const source = join(__dirname, "..", "..", "c", "thr.c");
  const r = spawnSync("cc", ["-O2", "-o", out, source, "-lzmq", "-lpthread"], { encoding: "utf8" });
  if (r.status !== 0)
    return { skipped: `cc failed: ${r.error?.message ?? r.stderr.split("\n")[0]}` };
  return out;
}

/** n messages of `size` bytes over `bind` (a wildcard tcp port is fine), bounded by `timeoutMs`. */
export function runC(bin: string, bind: string, n: number, size: number, timeoutMs: number) {
  return runJson<CRun>(LIBZMQ_C, bin, [bind, String(n), String(size)], timeoutMs);
}
