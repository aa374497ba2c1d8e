// The promise floor (../floor.ts), driven exactly as sluice is.
import { FloorChan, floorSelect } from "../floor";
import { dealt, type ChannelLib } from "../lib";

async function pingPong(n: number): Promise<number> {
  const ping = new FloorChan<number>();
  const pong = new FloorChan<number>();
  const ponger = (async () => {
    for (let i = 0; i < n; i++) {
      const v = await ping.take();
      await pong.put(v + 1);
    }
  })();
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    await ping.put(i);
    sum += await pong.take();
  }
  await ponger;
  return sum;
}

async function spsc(n: number, capacity: number): Promise<number> {
  const ch = new FloorChan<number>(capacity);
  const producer = (async () => {
    for (let v = 1; v <= n; v++) await ch.put(v);
  })();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await ch.take();
  await producer;
  return sum;
}

async function produce(ch: FloorChan<number>, j: number, k: number, n: number): Promise<void> {
  for (const v of dealt(j, k, n)) await ch.put(v);
}

async function selectK(n: number, k: number): Promise<number> {
  const chans: FloorChan<number>[] = [];
  const producers: Promise<void>[] = [];
  for (let j = 0; j < k; j++) {
    const ch = new FloorChan<number>();
    chans.push(ch);
    producers.push(produce(ch, j, k, n));
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await floorSelect(chans))[0];
  await Promise.all(producers);
  return sum;
}

async function fanIn(n: number, p: number): Promise<number> {
  const ch = new FloorChan<number>();
  const producers: Promise<void>[] = [];
  for (let j = 0; j < p; j++) producers.push(produce(ch, j, p, n));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += await ch.take();
  await Promise.all(producers);
  return sum;
}

export const floor: ChannelLib = {
  name: "promise floor",
  pingPong,
  spsc,
  select: selectK,
  fanIn,
  idle: (n) => Array.from({ length: n }, () => new FloorChan<number>()),
  pendingTakes: (n) => {
    const kept: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const ch = new FloorChan<number>();
      kept.push(ch, ch.take());
    }
    return kept;
  },
};
