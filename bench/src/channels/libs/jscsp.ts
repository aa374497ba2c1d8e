// js-csp: core.async's go blocks as generators (`yield take(ch)`), its own scheduler, no
// promises. Each workload resolves a promise when its consumer go block finishes.
import { dealt, type ChannelLib } from "../lib";

type CspChan = object;
type Instruction = object;
interface Csp {
  chan(buf?: unknown): CspChan;
  go(gen: () => Generator<Instruction, void, any>): CspChan;
  put(ch: CspChan, v: number): Instruction;
  take(ch: CspChan): Instruction;
  alts(chs: CspChan[]): Instruction;
  takeAsync(ch: CspChan, cb: (v: number) => void): void;
  buffers: { fixed(n: number): unknown };
}
const csp = require("js-csp") as Csp;

function pingPong(n: number): Promise<number> {
  const ping = csp.chan();
  const pong = csp.chan();
  csp.go(function* () {
    for (let i = 0; i < n; i++) {
      const v: number = yield csp.take(ping);
      yield csp.put(pong, v + 1);
    }
  });
  return new Promise((resolve) => {
    csp.go(function* () {
      let sum = 0;
      for (let i = 1; i <= n; i++) {
        yield csp.put(ping, i);
        sum += (yield csp.take(pong)) as number;
      }
      resolve(sum);
    });
  });
}

function spsc(n: number, capacity: number): Promise<number> {
  const ch = csp.chan(csp.buffers.fixed(capacity));
  csp.go(function* () {
    for (let v = 1; v <= n; v++) yield csp.put(ch, v);
  });
  return consume(ch, n);
}

function consume(ch: CspChan, n: number): Promise<number> {
  return new Promise((resolve) => {
    csp.go(function* () {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (yield csp.take(ch)) as number;
      resolve(sum);
    });
  });
}

function produce(ch: CspChan, j: number, k: number, n: number): void {
  csp.go(function* () {
    for (const v of dealt(j, k, n)) yield csp.put(ch, v);
  });
}

function selectK(n: number, k: number): Promise<number> {
  const chans: CspChan[] = [];
  for (let j = 0; j < k; j++) {
    const ch = csp.chan();
    chans.push(ch);
    produce(ch, j, k, n);
  }
  return new Promise((resolve) => {
    csp.go(function* () {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += ((yield csp.alts(chans)) as { value: number }).value;
      resolve(sum);
    });
  });
}

function fanIn(n: number, p: number): Promise<number> {
  const ch = csp.chan();
  for (let j = 0; j < p; j++) produce(ch, j, p, n);
  return consume(ch, n);
}

export const jscsp: ChannelLib = {
  name: "js-csp",
  pingPong,
  spsc,
  select: selectK,
  fanIn,
  idle: (n) => Array.from({ length: n }, () => csp.chan()),
  // js-csp's pending take outside a go block: a callback, not a promise
  pendingTakes: (n) => {
    const kept: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const ch = csp.chan();
      csp.takeAsync(ch, () => undefined);
      kept.push(ch, undefined);
    }
    return kept;
  },
};
