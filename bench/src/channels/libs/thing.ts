// @thi.ng/csp (v3, promise-based). It has no unbuffered channel (capacity must be >= 1), so
// the "unbuffered" workloads use its smallest, capacity 1 — a head start over rendezvous.
// The package is ES-module only; Node 20.19+ loads it with require().
import { dealt, type ChannelLib } from "../lib";

interface ThingChan {
  read(): Promise<number | undefined>;
  write(v: number): Promise<boolean>;
}
interface Thing {
  channel(capacity?: number): ThingChan;
  select(...chs: ThingChan[]): Promise<[number | undefined, ThingChan]>;
}
const t = require("@thi.ng/csp") as Thing;

async function pingPong(n: number): Promise<number> {
  const ping = t.channel(1);
  const pong = t.channel(1);
  const ponger = (async () => {
    for (let i = 0; i < n; i++) {
      const v = (await ping.read()) as number;
      await pong.write(v + 1);
    }
  })();
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    await ping.write(i);
    sum += (await pong.read()) as number;
  }
  await ponger;
  return sum;
}

async function spsc(n: number, capacity: number): Promise<number> {
  const ch = t.channel(capacity);
  const producer = (async () => {
    for (let v = 1; v <= n; v++) await ch.write(v);
  })();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await ch.read()) as number;
  await producer;
  return sum;
}

async function produce(ch: ThingChan, j: number, k: number, n: number): Promise<void> {
  for (const v of dealt(j, k, n)) await ch.write(v);
}

async function selectK(n: number, k: number): Promise<number> {
  const chans: ThingChan[] = [];
  const producers: Promise<void>[] = [];
  for (let j = 0; j < k; j++) {
    const ch = t.channel(1);
    chans.push(ch);
    producers.push(produce(ch, j, k, n));
  }
  const [first, ...rest] = chans as [ThingChan, ...ThingChan[]];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await t.select(first, ...rest))[0] as number;
  await Promise.all(producers);
  return sum;
}

async function fanIn(n: number, p: number): Promise<number> {
  const ch = t.channel(1);
  const producers: Promise<void>[] = [];
  for (let j = 0; j < p; j++) producers.push(produce(ch, j, p, n));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await ch.read()) as number;
  await Promise.all(producers);
  return sum;
}

export const thing: ChannelLib = {
  name: "@thi.ng/csp",
  pingPong,
  spsc,
  select: selectK,
  fanIn,
  idle: (n) => Array.from({ length: n }, () => t.channel(1)),
  pendingTakes: (n) => {
    const kept: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const ch = t.channel(1);
      kept.push(ch, ch.read());
    }
    return kept;
  },
};
