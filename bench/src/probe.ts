// Probes: single-number measurements behind statements in docs/performance.md that no
// workload of the main bench isolates.
//
//   node bench/dist/probe.js idle-select [k]   select over k empty channels, then one arrival
import { chan, select } from "@sluice/channels";
import { median } from "./measure";

const usage = "usage: node bench/dist/probe.js idle-select [k]";

// The cost of a select that finds nothing ready: it tries all k ops (pass 1), parks a handler
// on every channel (pass 2), and the k-1 that lose are swept later. One value then arrives on
// one channel. This is what a consumer selecting over many quiet sockets pays per message.
async function idleSelect(k: number): Promise<void> {
  const n = 50_000;
  const chans = Array.from({ length: k }, () => chan<number>(128));
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const pending = select(chans);
      chans[(i * 37) % k]!.offer(i + 1);
      sum += (await pending).value as number;
    }
    if (sum !== (n * (n + 1)) / 2) throw new Error(`idle-select: checksum ${sum}`);
    rounds.push(Number(process.hrtime.bigint() - t0) / n);
  }
  // the first two rounds are the warm-up
  console.log(
    `idle select over ${k} channels, then one arrival: median ${median(rounds.slice(2)).toFixed(0)} ns ` +
      `per select (5 rounds of ${n})`,
  );
}

async function main(): Promise<void> {
  const [probe, arg] = process.argv.slice(2);
  if (probe === "idle-select") {
    const k = arg === undefined ? 100 : Number(arg);
    if (!(Number.isInteger(k) && k > 0)) throw new Error(usage);
    return idleSelect(k);
  }
  throw new Error(usage);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
