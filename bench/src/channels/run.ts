// The channel group: every library on every workload, interleaved in this process, then the
// memory figures from one child process per library.
import { measure, triangle, type Case, type Mode } from "../measure";
import type { Group, Row } from "../report";
import type { ChannelLib } from "./lib";
import { LIBS } from "./libs";
import { memoryInChild } from "./memory";

interface Workload {
  name: string;
  /** n for smoke mode (times its fraction) and the scale calibration starts from */
  base: number;
  /** undefined when the library has no primitive for it */
  runner(lib: ChannelLib): ((n: number) => Promise<number>) | undefined;
  expected(n: number): number;
}

const CAPACITY = 1024;
const FAN_IN = 100;

const WORKLOADS: Workload[] = [
  {
    name: "ping-pong, unbuffered (round trips/s)",
    base: 20_000,
    runner: (l) => (n) => l.pingPong(n),
    expected: (n) => triangle(n) + n,
  },
  {
    name: `spsc, buffered(${CAPACITY}) (values/s)`,
    base: 100_000,
    runner: (l) => (n) => l.spsc(n, CAPACITY),
    expected: triangle,
  },
  ...[2, 16, 128].map((k): Workload => ({
    name: `select over ${k}, a producer each (values/s)`,
    base: 20_000,
    runner: (l) => (l.select ? (n) => l.select!(n, k) : undefined),
    expected: triangle,
  })),
  {
    name: `fan-in, ${FAN_IN} producers → 1 unbuffered (values/s)`,
    base: 50_000,
    runner: (l) => (n) => l.fanIn(n, FAN_IN),
    expected: triangle,
  },
];

export async function runChannels(mode: Mode, log: (s: string) => void): Promise<Group[]> {
  const speed: Row[] = [];
  for (const w of WORKLOADS) {
    const cases: Case[] = [];
    for (const lib of LIBS) {
      const run = w.runner(lib);
      if (run)
        cases.push({
          lib: lib.name,
          run: async (n) => ({ checksum: await run(n), expected: w.expected(n) }),
        });
    }
    log(`channels: ${w.name} …`);
    for (const r of await measure(cases, w.base, mode)) {
      speed.push({
        workload: w.name,
        lib: r.lib,
        value: r.median,
        unit: "/s",
        spread: [r.min, r.max],
        ok: r.ok,
        n: r.n,
        ...(r.error ? { error: r.error } : {}),
      });
    }
  }

  log("channels: memory (one child per library) …");
  const n = mode.name === "smoke" ? 10_000 : 100_000;
  const memory: Row[] = [];
  for (const lib of LIBS) {
    try {
      const m = await memoryInChild(lib.name, n);
      const sane = (b: number) => Number.isFinite(b) && b > 0;
      memory.push(
        {
          workload: "per idle channel",
          lib: lib.name,
          value: m.idleBytes,
          unit: "B",
          ok: sane(m.idleBytes),
          n,
        },
        {
          workload: "per pending take",
          lib: lib.name,
          value: m.pendingTakeBytes,
          unit: "B",
          ok: sane(m.pendingTakeBytes),
          n,
        },
      );
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      memory.push({
        workload: "per idle channel",
        lib: lib.name,
        value: NaN,
        unit: "B",
        ok: false,
        error,
      });
    }
  }
  memory.sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));
  return [
    {
      title: "Channels: throughput (median ops/s; higher is better)",
      sluice: "sluice",
      rows: speed,
    },
    {
      title: "Channels: memory (heap bytes after GC; lower is better)",
      sluice: "sluice",
      rows: memory,
    },
  ];
}
