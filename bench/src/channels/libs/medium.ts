// medium: functional API, take/put/any on plain channel objects; `any` is its select.
import { dealt, type ChannelLib } from "../lib";

interface MediumChan {
  readonly buffer: unknown;
}
interface Medium {
  chan(n?: number): MediumChan;
  put(ch: MediumChan, v: number): Promise<boolean>;
  take(ch: MediumChan): Promise<number>;
  any(...chs: MediumChan[]): Promise<[number, MediumChan]>;
}
const m = require("medium") as Medium;

async function pingPong(n: number): Promise<number> {
  const ping = m.chan();
  const pong = m.chan();
  const ponger = (async () => {
    for (let i = 0; i < n; i++) {
      const v = await m.take(ping);
      await m.put(pong, v + 1);
    }
  })();
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    await m.put(ping, i);
    sum += await m.take(pong);
  }
  await ponger;
  return sum;
}

async function spsc(n: number, capacity: number): Promise<number> {
  const ch = m.chan(capacity);
  const producer = (async () => {
    for (let v = 1; v <= n; v++) await m.put(ch, v);
  })();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await m.take(ch);
  await producer;
  return sum;
}

async function produce(ch: MediumChan, j: number, k: number, n: number): Promise<void> {
  for (const v of dealt(j, k, n)) await m.put(ch, v);
}

async function selectK(n: number, k: number): Promise<number> {
  const chans: MediumChan[] = [];
  const producers: Promise<void>[] = [];
  for (let j = 0; j < k; j++) {
    const ch = m.chan();
    chans.push(ch);
    producers.push(produce(ch, j, k, n));
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await m.any(...chans))[0];
  await Promise.all(producers);
  return sum;
}

async function fanIn(n: number, p: number): Promise<number> {
  const ch = m.chan();
  const producers: Promise<void>[] = [];
  for (let j = 0; j < p; j++) producers.push(produce(ch, j, p, n));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await m.take(ch);
  await Promise.all(producers);
  return sum;
}

export const medium: ChannelLib = {
  name: "medium",
  pingPong,
  spsc,
  select: selectK,
  fanIn,
  idle: (n) => Array.from({ length: n }, () => m.chan()),
  pendingTakes: (n) => {
    const kept: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const ch = m.chan();
      kept.push(ch, m.take(ch));
    }
    return kept;
  },
};
