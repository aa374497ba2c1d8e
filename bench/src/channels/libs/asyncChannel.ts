// async-channel: push/get on a Channel class. It has no select, so that workload is absent.
import { Channel } from "async-channel";
import { dealt, type ChannelLib } from "../lib";

async function pingPong(n: number): Promise<number> {
  const ping = new Channel<number>();
  const pong = new Channel<number>();
  const ponger = (async () => {
    for (let i = 0; i < n; i++) {
      const v = await ping.get();
      await pong.push(v + 1);
    }
  })();
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    await ping.push(i);
    sum += await pong.get();
  }
  await ponger;
  return sum;
}

async function spsc(n: number, capacity: number): Promise<number> {
  const ch = new Channel<number>(capacity);
  const producer = (async () => {
    for (let v = 1; v <= n; v++) await ch.push(v);
  })();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await ch.get();
  await producer;
  return sum;
}

async function produce(ch: Channel<number>, j: number, k: number, n: number): Promise<void> {
  for (const v of dealt(j, k, n)) await ch.push(v);
}

async function fanIn(n: number, p: number): Promise<number> {
  const ch = new Channel<number>();
  const producers: Promise<void>[] = [];
  for (let j = 0; j < p; j++) producers.push(produce(ch, j, p, n));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await ch.get();
  await Promise.all(producers);
  return sum;
}

export const asyncChannel: ChannelLib = {
  name: "async-channel",
  pingPong,
  spsc,
  fanIn,
  idle: (n) => Array.from({ length: n }, () => new Channel<number>()),
  pendingTakes: (n) => {
    const kept: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const ch = new Channel<number>();
      kept.push(ch, ch.get());
    }
    return kept;
  },
};
