// How every workload is timed, so that all groups follow one rule:
// calibrate n until one run lasts at least `minSeconds` (the calibration runs double as the
// warm-up), then run each case `reps` times, interleaving the cases of a workload so that noise
// from the shared machine lands on all of them alike, and report medians. Every run returns a
// checksum that is compared with the expected one, so a fast wrong answer cannot win.

/** One run's outcome: what the workload computed and what it should have computed. */
export interface Checked {
  checksum: number;
  expected: number;
  /** the time that counts, when the run times itself (e.g. first to last message) */
  seconds?: number;
}

/** A library (or variant) doing one workload; `run(n)` does n operations. */
export interface Case {
  lib: string;
  /** `measured` is false for the calibration (warm-up) runs, true for the repetitions */
  run(n: number, measured: boolean): Promise<Checked>;
}

/** How hard to measure: `full` for the report, `quick` for a look, `smoke` for the test. */
export interface Mode {
  name: "full" | "quick" | "smoke";
  /** a calibrated run lasts at least this long; 0 means no calibration (use `smokeN`) */
  minSeconds: number;
  reps: number;
  /** the fraction of a workload's base n used when not calibrating */
  smokeFraction: number;
}

export const MODES: Record<Mode["name"], Mode> = {
  full: { name: "full", minSeconds: 0.5, reps: 5, smokeFraction: 1 },
  quick: { name: "quick", minSeconds: 0.04, reps: 3, smokeFraction: 1 },
  smoke: { name: "smoke", minSeconds: 0, reps: 1, smokeFraction: 0.1 },
};

/** The measured result of one case, in operations per second. */
export interface Result {
  lib: string;
  n: number;
  /** ops/s of each repetition, in run order */
  rates: number[];
  median: number;
  min: number;
  max: number;
  /** every run's checksum matched */
  ok: boolean;
  error?: string;
}

/** What `p` settles with, or a failure naming `what` once `ms` have passed without it: a run
 * that hangs (a lost message) fails instead of stalling the bench for ever. */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The q-quantile (0..1) of xs by nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Collects garbage when node runs with --expose-gc, so one case's garbage is not billed to the next. */
export function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/** What is running now: named if the event loop drains with a run still waiting (a deadlock). */
export const running = { what: "" };

async function timed(
  c: Case,
  n: number,
  measured: boolean,
): Promise<{ seconds: number; checked: Checked }> {
  running.what = `${c.lib} at n=${n}`;
  const t0 = process.hrtime.bigint();
  const checked = await c.run(n, measured);
  const seconds = checked.seconds ?? Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, checked };
}

function mismatch(c: Case, n: number, k: Checked): string | undefined {
  return k.checksum === k.expected
    ? undefined
    : `${c.lib}: checksum ${k.checksum} != expected ${k.expected} at n=${n}`;
}

/** Grows n until one run of c takes at least minSeconds; returns that n. */
async function calibrate(c: Case, base: number, mode: Mode, maxN: number): Promise<number> {
  let n = Math.max(1, Math.round(base / 64));
  for (;;) {
    const { seconds, checked } = await timed(c, n, false);
    const bad = mismatch(c, n, checked);
    if (bad) throw new Error(bad);
    if (seconds >= mode.minSeconds || n >= maxN) return n;
    // aim 20% past the target, but never grow more than 10x on one sample
    const grow = Math.min(10, Math.max(1.5, (mode.minSeconds * 1.2) / Math.max(seconds, 1e-6)));
    n = Math.min(maxN, Math.ceil(n * grow));
  }
}

/**
 * Measures every case of one workload. `base` is the n used in smoke mode (times
 * `smokeFraction`) and the scale calibration starts from.
 */
export async function measure(
  cases: readonly Case[],
  base: number,
  mode: Mode,
  maxN = 2 ** 26,
): Promise<Result[]> {
  const ns = new Map<Case, number>();
  const results = new Map<Case, Result>();
  for (const c of cases) {
    const r: Result = { lib: c.lib, n: 0, rates: [], median: NaN, min: NaN, max: NaN, ok: true };
    results.set(c, r);
    try {
      const n =
        mode.minSeconds > 0
          ? await calibrate(c, base, mode, maxN)
          : Math.max(1, Math.round(base * mode.smokeFraction));
      ns.set(c, n);
      r.n = n;
    } catch (e) {
      r.ok = false;
      r.error = String(e instanceof Error ? e.message : e);
    }
  }
  for (let rep = 0; rep < mode.reps; rep++) {
    // rotate the order each repetition: no case always runs first (or right after a hog)
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + rep) % cases.length]!;
      const r = results.get(c)!;
      const n = ns.get(c);
      if (n === undefined || !r.ok) continue;
      collect();
      try {
        const { seconds, checked } = await timed(c, n, true);
        const bad = mismatch(c, n, checked);
        if (bad) throw new Error(bad);
        r.rates.push(n / seconds);
      } catch (e) {
        r.ok = false;
        r.error = String(e instanceof Error ? e.message : e);
      }
    }
  }
  for (const r of results.values()) {
    if (r.rates.length === 0) r.ok = false;
    r.median = median(r.rates);
    r.min = Math.min(...r.rates);
    r.max = Math.max(...r.rates);
  }
  return cases.map((c) => results.get(c)!);
}

/** Sum 1..n: what a workload that moves the values 1..n exactly once must add up to. */
export function triangle(n: number): number {
  return (n * (n + 1)) / 2;
}
