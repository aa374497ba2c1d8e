// The picture of a run: the `sluice / peer` column of every table as bars, one panel per group,
// one bar per peer, on a log scale with a line at 1× (a ratio of 2× and one of 0.5× are the same
// distance from parity). Rendered by Apache ECharts' server-side SVG renderer: no DOM, no
// browser. main.ts writes it next to the JSON; `node dist/chart.js RUN.json [OUT.svg]` draws
// it again from a saved run.
import * as echarts from "echarts";
import { readFileSync, writeFileSync } from "node:fs";
import { ratioOf, type Group } from "./report";

/** One color per peer, the same in every panel (ECharts would color by series index). */
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#59a14f",
  "#e15759",
  "#76b7b2",
  "#b07aa1",
  "#9c755f",
  "#edc948",
  "#ff9da7",
  "#bab0ac",
];

const ROW = 14; // px per bar
const GAP = 10; // px between workloads
const HEAD = 48; // px for a panel's title and axis labels
const TOP = 92; // px for the chart's title, subtitle and legend
const LEFT = 470; // px for the workload names

/** A panel: the group's workloads, and per peer its ratio on each (`null`: no figure). */
interface Panel {
  title: string;
  workloads: string[];
  peers: Map<string, Array<number | null>>;
}

function panelOf(g: Group): Panel {
  const workloads = [...new Set(g.rows.map((r) => r.workload))];
  const peers = new Map<string, Array<number | null>>();
  for (const r of g.rows) {
    if (r.lib === g.sluice) continue;
    if (!peers.has(r.lib))
      peers.set(
        r.lib,
        workloads.map(() => null),
      );
    peers.get(r.lib)![workloads.indexOf(r.workload)] = ratioOf(g, r) ?? null;
  }
  return { title: `${g.title}: ${g.sluice} / peer`, workloads, peers };
}

/** The power of ten at or below / above `x`. */
const floor10 = (x: number) => 10 ** Math.floor(Math.log10(x));
const ceil10 = (x: number) => 10 ** Math.ceil(Math.log10(x));

/**
 * The SVG of the ratio columns of `groups`: per group a panel of horizontal bars, a workload per
 * row and a peer per bar, on a log axis from the power of ten below the smallest ratio to the
 * one above the largest, with a line at 1×. Groups with no ratio (sluice alone) are left out.
 */
export function ratioChart(
  groups: readonly Group[],
  title: { text: string; subtext: string },
  width = 1150,
): string {
  const panels = groups.map(panelOf).filter((p) => p.peers.size > 0);
  const ratios = panels.flatMap((p) => [...p.peers.values()].flat()).filter((x) => x !== null);
  const min = Math.min(floor10(Math.min(...ratios, 1)), 0.1);
  const max = Math.max(ceil10(Math.max(...ratios, 1)), 10);
  const libs = [...new Set(panels.flatMap((p) => [...p.peers.keys()]))];
  const color = (lib: string) => PALETTE[libs.indexOf(lib) % PALETTE.length]!;

  const grid: echarts.EChartsOption["grid"] = [];
  const xAxis: echarts.EChartsOption["xAxis"] = [];
  const yAxis: echarts.EChartsOption["yAxis"] = [];
  const series: echarts.SeriesOption[] = [];
  const titles: echarts.EChartsOption["title"] = [{ ...title, left: 10, top: 8 }];
  let top = TOP;
  panels.forEach((panel, i) => {
    const height = panel.workloads.length * (panel.peers.size * ROW + GAP);
    titles.push({
      text: panel.title,
      left: 10,
      top,
      textStyle: { fontSize: 13, fontWeight: "bold" },
    });
    grid.push({ left: LEFT, right: 70, top: top + HEAD, height });
    xAxis.push({
      type: "log",
      gridIndex: i,
      min,
      max,
      position: "top",
      axisLabel: { formatter: (x: number) => `${x}×` },
    });
    yAxis.push({
      type: "category",
      gridIndex: i,
      inverse: true,
      data: panel.workloads,
      axisLabel: { width: LEFT - 50, overflow: "truncate" },
    });
    let first = true;
    for (const [lib, values] of panel.peers) {
      series.push({
        type: "bar",
        name: lib,
        xAxisIndex: i,
        yAxisIndex: i,
        data: values,
        barWidth: ROW - 3,
        itemStyle: { color: color(lib) },
        label: {
          show: true,
          position: "right",
          fontSize: 10,
          formatter: (p) => `${(p.value as number).toFixed(2)}×`,
        },
        // Parity, drawn once per panel.
        ...(first && {
          markLine: {
            silent: true,
            symbol: "none",
            label: { show: false },
            lineStyle: { color: "#333", type: "solid", width: 1 },
            data: [{ xAxis: 1 }],
          },
        }),
      });
      first = false;
    }
    top += HEAD + height + 24;
  });

  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height: top });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: "#fff",
      title: titles,
      legend: { top: 58, left: 10, itemGap: 28, data: libs },
      grid,
      xAxis,
      yAxis,
      series,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The chart's title for a saved run: which run; and the machine. */
export function titleOf(run: {
  date: string;
  commit: string;
  mode: string;
  cpu: string;
  node: string;
}): {
  text: string;
  subtext: string;
} {
  return {
    text: `sluice / peer, ${run.mode} run of ${run.date.slice(0, 10)} at ${run.commit}: log scale, 1× is parity`,
    subtext: `${run.cpu}, node ${run.node}; each panel says whether higher or lower is better for sluice`,
  };
}

if (require.main === module) {
  const [input, output = input?.replace(/\.json$/, ".svg")] = process.argv.slice(2);
  if (input === undefined || output === undefined || output === input) {
    process.stderr.write("usage: node dist/chart.js RUN.json [OUT.svg]\n");
    process.exit(2);
  }
  const run = JSON.parse(readFileSync(input, "utf8"));
  writeFileSync(output, ratioChart(run.groups, titleOf(run)));
  process.stdout.write(`wrote ${output}\n`);
}
