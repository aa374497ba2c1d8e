// What the receiving process (this one) pays during one measured run: its event loop's p99
// delay (monitorEventLoopDelay) and its peak RSS. A process's peak RSS never goes down, so on
// Linux the peak is reset before each run (`5` into /proc/self/clear_refs) and read from VmHWM
// after it: the figure includes what the process held before the run (the GC runs first).
// Elsewhere the column stays empty; the peak-RSS rows (solo.ts) use a fresh process each.
import { readFileSync, writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Case } from "../measure";

/** Per library, one entry per measured run. */
export interface Watched {
  eldP99Ms: Map<string, number[]>;
  peakRssMB: Map<string, number[]>;
}

export function watchedRuns(): Watched {
  return { eldP99Ms: new Map(), peakRssMB: new Map() };
}

function push(m: Map<string, number[]>, lib: string, x: number): void {
  const list = m.get(lib) ?? [];
  list.push(x);
  m.set(lib, list);
}

function resetPeak(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/**
 * This process's peak RSS in MB: VmHWM on Linux, which starts afresh at exec, where
 * `resourceUsage().maxRSS` does not (a spawned child reports at least the RSS its parent had
 * when it forked); maxRSS elsewhere.
 */
export function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * wraps a run to record both figures: measured runs only, so the short cold calibration runs
 * (whose p99 is their setup's worst pause) are not counted
 */
export function watched(w: Watched, lib: string, run: Case["run"]): Case["run"] {
  return async (n, measured) => {
    if (!measured) return run(n, measured);
    const peak = resetPeak();
    const h = monitorEventLoopDelay({ resolution: 2 });
    h.enable();
    try {
      return await run(n, measured);
    } finally {
      h.disable();
      push(w.eldP99Ms, lib, h.percentile(99) / 1e6);
      if (peak) push(w.peakRssMB, lib, peakRssMB());
    }
  };
}
