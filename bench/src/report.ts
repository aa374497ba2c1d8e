// Rows, tables and the JSON file. A group is one table: rows are (workload, library) and the
// last column is `sluice / peer`, the sluice row's value over this row's, so for rates above 1
// means sluice is faster and for latencies and bytes below 1 means sluice is smaller.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

export interface Row {
  workload: string;
  lib: string;
  /** the median (or the single measurement) */
  value: number;
  unit: string;
  /** min and max over repetitions, when repeated */
  spread?: [number, number];
  /** the run's checksums matched (or the measurement was sane) */
  ok: boolean;
  n?: number;
  error?: string;
  /** side figures printed after the value */
  note?: string;
  /** side figures; those named in COLUMNS get a column of their own */
  extra?: Record<string, number>;
}

export interface Group {
  title: string;
  /** the library whose value is the numerator of the ratio */
  sluice: string;
  rows: Row[];
}

export interface Machine {
  date: string;
  node: string;
  cpu: string;
  commit: string;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1]) cpu = m[1];
  } catch {
    // not Linux: os.cpus() it is
  }
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    // not a checkout
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpu} × ${cpus().length}`,
    commit,
  };
}

export function fmt(x: number, unit = ""): string {
  if (!Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  let s: string;
  if (unit === "µs" || unit === "B" || unit === "ms" || unit === "MB") {
    s = a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
  } else if (a >= 1e6) s = `${(x / 1e6).toFixed(2)}M`;
  else if (a >= 1e3) s = `${(x / 1e3).toFixed(1)}k`;
  else s = x.toFixed(a >= 10 ? 0 : 2);
  return unit && unit !== "/s" ? `${s} ${unit}` : s;
}

/**
 * The row's `sluice / peer`: the sluice row's value on the same workload over this row's;
 * `undefined` for the sluice row itself and when either failed or the peer's value is not > 0.
 * The table's last column and the chart (chart.ts) both show it.
 */
export function ratioOf(g: Group, r: Row): number | undefined {
  if (r.lib === g.sluice) return undefined;
  const s = g.rows.find((x) => x.workload === r.workload && x.lib === g.sluice);
  if (!s || !s.ok || !r.ok || !(r.value > 0)) return undefined;
  return s.value / r.value;
}

function ratio(g: Group, r: Row): string {
  if (r.lib === g.sluice) return "";
  const x = ratioOf(g, r);
  return x === undefined ? "—" : `${x.toFixed(2)}×`;
}

/** Side figures shown as columns, when a row of the group has them: key, heading, unit. */
const COLUMNS: ReadonlyArray<[string, string, string]> = [
  ["loopP99Ms", "event-loop p99", "ms"],
  ["peakRssMB", "peak RSS", "MB"],
];

/** The group as a markdown table (it reads as plain text in a terminal too). */
export function table(g: Group): string {
  const side = COLUMNS.filter(([k]) => g.rows.some((r) => r.extra?.[k] !== undefined));
  const head = [
    "workload",
    "library",
    "median",
    "spread (min–max)",
    ...side.map(([, h]) => h),
    "checked",
    "sluice / peer",
  ];
  const lines = g.rows.map((r) => [
    r.workload,
    r.lib,
    fmt(r.value, r.unit) + (r.note ? ` (${r.note})` : ""),
    r.spread ? `${fmt(r.spread[0], r.unit)}–${fmt(r.spread[1], r.unit)}` : "",
    ...side.map(([k, , unit]) => (r.extra?.[k] === undefined ? "" : fmt(r.extra[k]!, unit))),
    r.ok ? "ok" : `FAILED${r.error ? `: ${r.error}` : ""}`,
    ratio(g, r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    `### ${g.title}`,
    "",
    row(head),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(row),
  ].join("\n");
}

export function writeJson(dir: string, payload: unknown, name: string): string {
  return writeText(dir, JSON.stringify(payload, null, 2) + "\n", name);
}

export function writeText(dir: string, text: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}
