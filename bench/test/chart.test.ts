// The chart of a run (chart.ts): drawn from a small run of two groups, it must show every
// workload, every peer once in the legend, each ratio as a label, and nothing for sluice's own
// rows or a failed row. The bench writes it next to its JSON (quick.test.ts checks that file).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ratioChart, titleOf } from "../src/chart";
import type { Group, Row } from "../src/report";

const row = (workload: string, lib: string, value: number, ok = true): Row => ({
  workload,
  lib,
  value,
  unit: "/s",
  ok,
});

const RUN = {
  date: "2026-11-22T09:12:04.918Z",
  node: "v20.20.2",
  cpu: "Test CPU × 2",
  commit: "abc1234",
  mode: "full",
  groups: [
    {
      title: "Channels: throughput (median ops/s; higher is better)",
      sluice: "sluice",
      rows: [
        row("ping-pong", "sluice", 1000),
        row("ping-pong", "promise floor", 500), // 2.00×
        row("ping-pong", "js-csp", 40), // 25.00×
        row("select over 2", "sluice", 300),
        row("select over 2", "promise floor", 400), // 0.75×
        row("select over 2", "js-csp", 1, false), // failed: no bar
      ],
    },
    {
      title: "ZeroMQ: round-trip latency (µs; lower is better)",
      sluice: "sluice pump",
      rows: [
        row("REQ→REP round trip", "sluice pump", 150),
        row("REQ→REP round trip", "plain zeromq.js", 125),
      ], // 1.20×
    },
  ] satisfies Group[],
};

/** The texts the SVG draws, in order. */
const texts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));

describe("the ratio chart", () => {
  const svg = ratioChart(RUN.groups, titleOf(RUN));
  const drawn = texts(svg);

  it("is an SVG document with the run's title and each group's panel title", () => {
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(drawn).toContain(
      "sluice / peer, full run of 2026-11-22 at abc1234: log scale, 1× is parity",
    );
    expect(drawn).toContain("Channels: throughput (median ops/s; higher is better): sluice / peer");
    expect(drawn).toContain("ZeroMQ: round-trip latency (µs; lower is better): sluice pump / peer");
  });

  it("names every workload, and every peer once in the legend, never sluice itself", () => {
    for (const w of ["ping-pong", "select over 2", "REQ→REP round trip"])
      expect(drawn).toContain(w);
    for (const peer of ["promise floor", "js-csp", "plain zeromq.js"]) {
      expect(drawn.filter((t) => t === peer)).toHaveLength(1);
    }
    expect(drawn).not.toContain("sluice");
    expect(drawn).not.toContain("sluice pump");
  });

  it("labels each ratio, sluice over the peer, and none for a failed row", () => {
    const labels = drawn.filter((t) => /^\d+\.\d\d×$/.test(t)).sort();
    expect(labels).toEqual(["0.75×", "1.20×", "2.00×", "25.00×"]);
  });

  it("spans whole powers of ten around every ratio on a log axis", () => {
    for (const tick of ["0.1×", "1×", "10×", "100×"]) expect(drawn).toContain(tick);
    expect(drawn).not.toContain("1000×");
  });

  it("is drawn again from a saved run by `node dist/chart.js RUN.json OUT.svg`", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-chart-"));
    try {
      writeFileSync(join(dir, "run.json"), JSON.stringify(RUN));
      const r = spawnSync(
        process.execPath,
        [join(__dirname, "..", "dist", "chart.js"), join(dir, "run.json"), join(dir, "run.svg")],
        { encoding: "utf8", timeout: 30_000 },
      );
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      expect(readFileSync(join(dir, "run.svg"), "utf8")).toBe(svg);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
