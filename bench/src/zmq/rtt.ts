// What a REQ/REP round trip costs against libzmq's C (probe.js rtt; issue 18's latency rows
// have no C reference). Over tcp, the client in this process, the server in a process of its
// own, the ends paired every way: C's (bench/c/rtt.c) and the native pump's (the bench's
// latency loop: an awaited put, then an awaited take; the peer's echo server). Each round
// makes n round trips after a tenth more to warm up; the medians over the rounds of each
// pairing's p50 and p99 are printed, the pairings interleaved round by round.
import { bounded, median, quantile, triangle } from "../measure";
import { runJson } from "../child";
import { buildRtt, withBuilt } from "./libzmq-c";
import { nativeProblem } from "./native";
import { Peer, VARIANTS } from "./peer";
import { Thr } from "./threads";
import { indexOf, message } from "./variant";

interface Percentiles {
  p50: number;
  p99: number;
}

const PAIRINGS = [
  ["C", "C"],
  ["sluice", "C"],
  ["C", "sluice"],
  ["sluice", "sluice"],
] as const;
type End = (typeof PAIRINGS)[number][0];

// n round trips (after n / 10 to warm up) of the pump's REQ, in this process
async function sluiceClient(endpoint: string, n: number): Promise<Percentiles> {
  const c = await VARIANTS["sluice native"].client("req", endpoint);
  try {
    const warm = Math.ceil(n / 10);
    const us: number[] = [];
    let sum = 0;
    for (let i = 1; i <= warm + n; i++) {
      const t0 = process.hrtime.bigint();
      const reply = await c.roundTrip(message(i, 16));
      if (i > warm) {
        us.push(Number(process.hrtime.bigint() - t0) / 1e3);
        sum += indexOf(reply);
      }
    }
    if (sum !== triangle(warm + n) - triangle(warm))
      throw new Error("rtt: a reply was not its request's");
    return { p50: median(us), p99: quantile(us, 0.99) };
  } finally {
    await c.close();
  }
}

async function runPairing(client: End, server: End, bin: string, peer: Peer, n: number) {
  let endpoint: string;
  let closeServer: () => Promise<unknown>;
  if (server === "C") {
    const rep = new Thr(bin, ["rep", "tcp://127.0.0.1:*"]);
    endpoint = (await rep.line("endpoint")).replace("listening on ", "");
    closeServer = () => rep.end();
  } else {
    const { endpoint: bound, handle } = await peer.request({
      op: "echo",
      variant: "sluice native",
      kind: "rep",
      bind: "tcp://127.0.0.1:*",
    });
    endpoint = bound!;
    closeServer = () => peer.request({ op: "close", handle: handle! });
  }
  try {
    if (client === "sluice") return await bounded(sluiceClient(endpoint, n), 60_000, "rtt");
    return await runJson<Percentiles>("rtt req", bin, ["req", endpoint, String(n)], 60_000);
  } finally {
    await closeServer();
  }
}

/** `rounds` rounds of n round trips per pairing; medians of each pairing's p50 and p99. */
export async function rttProbe(rounds: number, n: number): Promise<void> {
  const missing = nativeProblem();
  if (missing !== undefined) throw new Error(`rtt needs the native engine: ${missing}`);
  const runs = new Map<string, Percentiles[]>();
  await withBuilt("rtt", buildRtt, async (bin) => {
    const peer = Peer.start();
    try {
      for (let r = 0; r < rounds; r++) {
        for (const [client, server] of r % 2 === 0 ? PAIRINGS : [...PAIRINGS].reverse()) {
          const name = `${client} REQ → ${server} REP`;
          const run = await runPairing(client, server, bin, peer, n);
          runs.set(name, [...(runs.get(name) ?? []), run]);
        }
      }
    } finally {
      await peer.stop();
    }
  });
  console.log(`REQ→REP round trips, 16 B over tcp, medians of ${rounds} rounds of ${n}:`);
  for (const [name, xs] of runs) {
    const p50 = median(xs.map((x) => x.p50));
    const p99 = median(xs.map((x) => x.p99));
    console.log(
      `  ${name.padEnd(26)} p50 ${p50.toFixed(0).padStart(4)} µs  p99 ${p99.toFixed(0).padStart(5)} µs`,
    );
  }
}
