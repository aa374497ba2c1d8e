// Paired A/B measurements, for judging one change on this noisy machine: sluice and its
// reference run in short alternating stretches, and the figure is the median of the ratios of
// neighbouring stretches, so drift in the machine's speed (which moved whole runs by 2× here)
// cancels out. The main bench's tables stay the report; this is the tool behind decisions such
// as P16 and P17 (docs/decisions.md). Given another built checkout, `channels` instead pairs
// this build's sluice with that checkout's (its own bench/dist driver and its own Channel
// class, so neither shares V8's feedback with the other): the figure is this / that.
//
//   node bench/dist/pairs.js channels ping|spsc|select2|select16|select128|fanin [rounds] [checkout]
//   node bench/dist/pairs.js latency dealer|req [rounds] [plain|engines]
//   node bench/dist/pairs.js zmq tcp16|tcp1k|inproc16|oneway|duplex [rounds] [plain|engines]
//
// For latency and zmq, `plain` (the default) pairs the pump on zeromq.js with plain zeromq.js;
// `engines` pairs the pump on its native engine with the pump on zeromq.js (issue 18's targets).
import * as path from "node:path";
import type { ChannelLib } from "./channels/lib";
import { libNamed } from "./channels/libs";
import { Peer, VARIANTS } from "./zmq/peer";
import type { Variant, VariantName } from "./zmq/variant";
import { median } from "./measure";

const usage =
  "usage: node bench/dist/pairs.js channels ping|spsc|select2|select16|select128|fanin [rounds] [checkout]\n" +
  "       node bench/dist/pairs.js latency dealer|req [rounds] [plain|engines]\n" +
  "       node bench/dist/pairs.js zmq tcp16|tcp1k|inproc16|oneway|duplex [rounds] [plain|engines]";

/** The two variants a latency or zmq pairing compares: the first over the second. */
function pairOf(against: string | undefined): [VariantName, VariantName] {
  if (against === undefined || against === "plain")
    return ["sluice on zeromq.js", "plain zeromq.js"];
  if (against === "engines") return ["sluice native", "sluice on zeromq.js"];
  throw new Error(usage);
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/**
 * Runs `a` and `b` alternately (after `warm` rounds of each), changing which goes first each
 * round so neither always runs after the other's garbage; returns b's time over a's for each
 * round: a's rate over b's.
 */
async function paired(
  rounds: number,
  warm: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<number[]> {
  for (let i = 0; i < warm; i++) {
    await a();
    await b();
  }
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ta: number;
    let tb: number;
    if (r % 2 === 0) {
      ta = await a();
      tb = await b();
    } else {
      tb = await b();
      ta = await a();
    }
    ratios.push(tb / ta);
  }
  return ratios;
}

/** The sluice driver of another built checkout, loaded with that checkout's @sluice/channels. */
function sluiceOf(checkout: string): ChannelLib {
  const file = path.resolve(checkout, "bench", "dist", "channels", "libs", "sluice.js");
  return (require(file) as { sluice: ChannelLib }).sluice;
}

async function channels(work: string, rounds: number, checkout?: string): Promise<void> {
  const n = 50_000;
  const run: Record<string, (lib: ChannelLib) => Promise<number>> = {
    ping: (l) => l.pingPong(n),
    spsc: (l) => l.spsc(n, 1024),
    select2: (l) => l.select!(n, 2),
    select16: (l) => l.select!(n, 16),
    select128: (l) => l.select!(n, 128),
    fanin: (l) => l.fanIn(n, 100),
  };
  const one = run[work];
  if (one === undefined) throw new Error(usage);
  const sluice = libNamed("sluice");
  const other = checkout === undefined ? libNamed("promise floor") : sluiceOf(checkout);
  const time = async (lib: ChannelLib): Promise<number> => {
    const t0 = process.hrtime.bigint();
    await one(lib);
    return Number(process.hrtime.bigint() - t0);
  };
  const ratios = await paired(
    rounds,
    5,
    () => time(sluice),
    () => time(other),
  );
  const against = checkout === undefined ? "promise floor" : `sluice of ${checkout}`;
  console.log(
    `${work}: sluice / ${against}, median of ${rounds} paired ratios ${median(ratios).toFixed(2)}× ` +
      `(quartiles ${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)})`,
  );
}

async function latency(kind: string, rounds: number, against?: string): Promise<void> {
  const [a, b] = pairOf(against);
  if (kind !== "dealer" && kind !== "req") throw new Error(usage);
  const server = kind === "req" ? "rep" : "router";
  const block = 2000;
  const peer = Peer.start();
  try {
    const medians: Record<string, number[]> = { [a]: [], [b]: [] };
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ([a, b] as const) : ([b, a] as const);
      for (const name of order) {
        // both ends the same variant: the client here, the server in the peer process
        const { endpoint, handle } = await peer.request({
          op: "echo",
          variant: name,
          kind: server,
          bind: "tcp://127.0.0.1:*",
        });
        const client = await VARIANTS[name].client(kind, endpoint!);
        const xs: number[] = [];
        const payload = Buffer.alloc(16);
        for (let i = 0; i < block + 200; i++) {
          const t0 = process.hrtime.bigint();
          await client.roundTrip(payload);
          if (i >= 200) xs.push(Number(process.hrtime.bigint() - t0) / 1e3);
        }
        await client.close();
        await peer.request({ op: "close", handle: handle! });
        medians[name]!.push(median(xs));
      }
      ratios.push(medians[a]![r]! / medians[b]![r]!);
    }
    console.log(
      `${kind} round trip, 16 B tcp, blocks of ${block}: ${a} ${median(medians[a]!).toFixed(0)} µs, ` +
        `${b} ${median(medians[b]!).toFixed(0)} µs; median of ${rounds} paired ratios ` +
        `${median(ratios).toFixed(2)}× (quartiles ${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)})`,
    );
  } finally {
    await peer.stop();
  }
}

// ZeroMQ throughput, the two variants pairOf names: the same runs as the main bench's rows,
// 50 000 messages a stretch; the far end (PUSH, or the ROUTER) in the peer process.
async function zmqThroughput(work: string, rounds: number, against?: string): Promise<void> {
  const [a, b] = pairOf(against);
  const works = ["tcp16", "tcp1k", "inproc16", "oneway", "duplex"];
  if (!works.includes(work)) throw new Error(usage);
  const n = 50_000;
  const peer = Peer.start();
  let k = 0;
  const once = async (v: Variant): Promise<number> => {
    if (work === "oneway" || work === "duplex") {
      const duplex = work === "duplex";
      const { endpoint, handle } = await peer.request({
        op: "router",
        variant: v.name,
        bind: "tcp://127.0.0.1:*",
      });
      const d = await v.dealer(endpoint!);
      const t0 = process.hrtime.bigint();
      await d.hello();
      const there = peer.request({ op: "routerRun", handle: handle!, n, size: 16, duplex });
      await Promise.all([d.receive(n), duplex ? d.send(n, 16) : undefined, there]);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      await d.close();
      await peer.request({ op: "close", handle: handle! });
      return seconds;
    }
    const size = work === "tcp1k" ? 1024 : 16;
    const inproc = work === "inproc16";
    const r = await v.pull(
      inproc ? `inproc://sluice-pairs-${process.pid}-${k++}` : "tcp://127.0.0.1:*",
    );
    const sent = inproc
      ? v.push(r.endpoint, n, size)
      : peer.request({ op: "push", variant: v.name, endpoint: r.endpoint, n, size });
    const tally = await r.receive(n);
    const s = await sent;
    if ("close" in s) await s.close();
    else await peer.request({ op: "close", handle: s.handle! });
    await r.close();
    return tally.seconds;
  };
  try {
    const ratios = await paired(
      rounds,
      1,
      () => once(VARIANTS[a]),
      () => once(VARIANTS[b]),
    );
    console.log(
      `${work}: ${a} / ${b}, median of ${rounds} paired ratios ${median(ratios).toFixed(2)}× ` +
        `(quartiles ${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)})`,
    );
  } finally {
    await peer.stop();
  }
}

async function main(): Promise<void> {
  const [group, work, rounds, fourth] = process.argv.slice(2);
  const r = rounds === undefined ? undefined : Number(rounds);
  if (r !== undefined && !(Number.isInteger(r) && r > 0)) throw new Error(usage);
  if (group === "channels" && work !== undefined) return channels(work, r ?? 40, fourth);
  if (group === "latency" && work !== undefined) return latency(work, r ?? 10, fourth);
  if (group === "zmq" && work !== undefined) return zmqThroughput(work, r ?? 9, fourth);
  throw new Error(usage);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
