// @sluice/channels, written as its docs show.
import { chan, select, type Channel } from "@sluice/channels";
import { dealt, type ChannelLib } from "../lib";

async function pingPong(n: number): Promise<number> {
  const ping = chan<number>();
  const pong = chan<number>();
  const ponger = (async () => {
    for (let i = 0; i < n; i++) {
      const v = (await ping.take()) as number;
      await pong.put(v + 1);
    }
  })();
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    await ping.put(i);
    sum += (await pong.take()) as number;
  }
  await ponger;
  return sum;
}

async function spsc(n: number, capacity: number): Promise<number> {
  const ch = chan<number>(capacity);
  const producer = (async () => {
    for (let v = 1; v <= n; v++) await ch.put(v);
  })();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await ch.take()) as number;
  await producer;
  return sum;
}

async function produce(ch: Channel<number>, j: number, k: number, n: number): Promise<void> {
  for (const v of dealt(j, k, n)) await ch.put(v);
}

async function selectK(n: number, k: number): Promise<number> {
  const chans: Channel<number>[] = [];
  const producers: Promise<void>[] = [];
  for (let j = 0; j < k; j++) {
    const ch = chan<number>();
    chans.push(ch);
    producers.push(produce(ch, j, k, n));
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await select(chans)).value as number;
  await Promise.all(producers);
  return sum;
}

async function fanIn(n: number, p: number): Promise<number> {
  const ch = chan<number>();
  const producers: Promise<void>[] = [];
  for (let j = 0; j < p; j++) producers.push(produce(ch, j, p, n));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await ch.take()) as number;
  await Promise.all(producers);
  return sum;
}

export const sluice: ChannelLib = {
  name: "sluice",
  pingPong,
  spsc,
  select: selectK,
  fanIn,
  idle: (n) => Array.from({ length: n }, () => chan<number>()),
  pendingTakes: (n) => {
    const kept: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const ch = chan<number>();
      kept.push(ch, ch.take());
    }
    return kept;
  },
};
