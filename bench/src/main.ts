// The bench runner: `node --expose-gc dist/main.js [--quick | --smoke] [--only channels|zmq]
// [--out DIR]`. Prints one table per group, writes the JSON and its chart (SVG) to
// bench/results/, and exits non-zero if any workload failed its checksum (a fast wrong answer
// must not pass quietly).
import { join } from "node:path";
import { runChannels } from "./channels/run";
import { MODES, running, type Mode } from "./measure";
import { ratioChart, titleOf } from "./chart";
import { machine, table, writeJson, writeText, type Group } from "./report";

interface Args {
  mode: Mode;
  only: Set<string>;
  out: string;
}

const GROUPS = ["channels", "zmq"];

function parse(argv: string[]): Args {
  let mode = MODES.full;
  const only = new Set<string>();
  let out = join(__dirname, "..", "results");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--")
      continue; // what pnpm may pass through
    else if (a === "--quick") mode = MODES.quick;
    else if (a === "--smoke") mode = MODES.smoke;
    else if (a === "--only") {
      const g = argv[++i] ?? "";
      if (!GROUPS.includes(g))
        throw new Error(`--only takes one of ${GROUPS.join(", ")}, got "${g}"`);
      only.add(g);
    } else if (a === "--out") out = argv[++i] ?? out;
    else
      throw new Error(
        `unknown argument "${a}" (try --quick, --smoke, --only channels|zmq, --out DIR)`,
      );
  }
  if (only.size === 0) for (const g of GROUPS) only.add(g);
  return { mode, only, out };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const started = Date.now();
  const log = (s: string) =>
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${s}\n`);
  if (!(globalThis as { gc?: unknown }).gc)
    log("note: run node with --expose-gc for a GC between runs");
  const info = { ...machine(), mode: args.mode.name };
  log(`sluice bench, ${args.mode.name} mode, ${info.node}, ${info.cpu}`);

  const groups: Group[] = [];
  if (args.only.has("channels")) groups.push(...(await runChannels(args.mode, log)));
  if (args.only.has("zmq")) {
    const { runZmq } = await import("./zmq/run");
    groups.push(...(await runZmq(args.mode, log)));
  }

  const seconds = (Date.now() - started) / 1000;
  const out = [
    `sluice bench — ${info.date}, node ${info.node}, ${info.cpu}, commit ${info.commit}, ${args.mode.name} mode, ${seconds.toFixed(0)} s`,
  ];
  for (const g of groups) out.push("", table(g));
  process.stdout.write(out.join("\n") + "\n");

  const failed = groups.flatMap((g) =>
    g.rows.filter((r) => !r.ok).map((r) => `${r.workload} / ${r.lib}`),
  );
  const stamp = info.date.replace(/[:.]/g, "-");
  const payload = { ...info, seconds, groups, failed };
  const file = writeJson(args.out, payload, `${args.mode.name}-${stamp}.json`);
  writeJson(args.out, payload, `latest-${args.mode.name}.json`);
  // The picture of the ratio columns, next to the JSON (docs/performance.md shows a full run's).
  const svg = ratioChart(groups, titleOf(payload));
  writeText(args.out, svg, `${args.mode.name}-${stamp}.svg`);
  writeText(args.out, svg, `latest-${args.mode.name}.svg`);
  log(`wrote ${file} and its chart (.svg)`);
  if (failed.length) {
    log(`FAILED: ${failed.join("; ")}`);
    return 1;
  }
  return 0;
}

// A run whose promises can never settle lets the event loop drain and node exit quietly with
// status 0; say which run it was and fail instead.
let finished = false;
process.on("beforeExit", () => {
  if (finished) return;
  finished = true;
  process.stderr.write(`deadlock: the event loop drained during ${running.what}\n`);
  process.exitCode = 3;
});

// Exit explicitly: a socket left open by a failed run must not keep the bench alive.
function exit(code: number): void {
  finished = true;
  process.stdout.write("", () => process.exit(code));
}

main().then(exit, (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  exit(2);
});
