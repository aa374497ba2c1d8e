import { Channel, DEFAULT, MAX_PENDING, chan, pipe, select } from "@sluice/channels";
import { flush, getGc, kinds, watch } from "./helpers";

describe("select", () => {
  it("refuses bad ops at the call", () => {
    expect(() => select([])).toThrow(TypeError);
    expect(() => select([])).toThrow(/ops is empty/);
    expect(() => select([42 as never])).toThrow(/ops\[0\] must be a Channel/);
    expect(() => select([chan(), [chan(), 1, 2] as never])).toThrow(/ops\[1\]/);
    expect(() => select([[chan(), undefined]])).toThrow(/Can't put undefined/);
    expect(() => select("x" as never)).toThrow(/ops must be an array/);
  });

  it("refuses a missing or non-array ops by name, also as its first call and after a failed one", () => {
    const missing = new TypeError("select(ops): ops must be an array, got undefined");
    // A fresh copy of the module: nothing checked yet.
    jest.isolateModules(() => {
      const fresh = (require("../src/select") as typeof import("../src/select")).select;
      expect(() => (fresh as () => unknown)()).toThrow(missing);
    });
    // After an array that failed its check (it is then not remembered).
    expect(() => select([42 as never])).toThrow(/ops\[0\]/);
    expect(() => (select as () => unknown)()).toThrow(missing);
    expect(() => select(undefined as never)).toThrow(missing);
    expect(() => select(5 as never)).toThrow(
      new TypeError("select(ops): ops must be an array, got the number 5"),
    );
    expect(() => select(null as never, {})).toThrow(
      new TypeError("select(ops): ops must be an array, got null"),
    );
  });

  it("takes from a ready channel, and a put op reports true", async () => {
    const a = chan<number>(1);
    const b = chan<number>();
    a.offer(1);
    expect(await select([a, b])).toMatchObject({ channel: a, value: 1 });
    const taker = b.take();
    expect(await select([[b, 2]])).toMatchObject({ channel: b, value: true });
    expect(await taker).toBe(2);
  });

  it("waits for the first op that can complete, and the others deliver nothing", async () => {
    const a = chan<string>();
    const b = chan<string>();
    const out = chan<string>();
    const result = select([a, b, [out, "sent"]]);
    void b.put("from b");
    expect(await result).toMatchObject({ channel: b, value: "from b" });
    // The losing take on `a` and put on `out` are gone: they consume and deliver nothing.
    void a.put("later");
    expect(out.poll()).toBeUndefined();
    expect(await a.take()).toBe("later");
  });

  it("treats a closed channel as ready: take gives undefined, put gives false", async () => {
    const a = chan<number>();
    a.close();
    expect(await select([a])).toMatchObject({ channel: a, value: undefined });
    expect(await select([[a, 1]])).toMatchObject({ channel: a, value: false });
    const b = chan<number>();
    const waiting = select([b]);
    b.close();
    expect(await waiting).toMatchObject({ channel: b, value: undefined });
  });

  it("uses default only when nothing is ready, even when its value is undefined", async () => {
    const a = chan<number>(1);
    expect(await select([a], { default: "none" })).toMatchObject({
      channel: DEFAULT,
      value: "none",
    });
    expect(await select([a], { default: undefined })).toMatchObject({
      channel: DEFAULT,
      value: undefined,
    });
    a.offer(3);
    expect(await select([a], { default: "none" })).toMatchObject({ channel: a, value: 3 });
  });

  it("with priority, the first ready op in order wins", async () => {
    const chs = [chan<number>(1), chan<number>(1), chan<number>(1)];
    for (let round = 0; round < 50; round++) {
      chs.forEach((c, i) => c.offer(i));
      const r = await select(chs, { priority: true });
      expect(r).toMatchObject({ channel: chs[0], value: 0 });
      chs.forEach((c) => c.poll());
    }
    chs[0]?.poll();
    chs[2]?.offer(2);
    expect((await select(chs, { priority: true })).value).toBe(2);
  });

  it("may name the same channel twice, and a select never meets itself", async () => {
    const ch = chan<number>();
    const r = watch(select([ch, [ch, 1]]));
    await flush();
    expect(r.outcome.state).toBe("pending"); // its own put must not feed its own take
    expect(await ch.take()).toBe(1);
    await flush();
    expect(r.outcome).toEqual({
      state: "fulfilled",
      value: { channel: ch, value: true, index: 1 },
    });
  });

  it("refuses a signal that is not an AbortSignal at the call, naming it", () => {
    const a = chan<number>(1);
    expect(() => select([a], { signal: {} as AbortSignal })).toThrow(
      new TypeError("select(ops, opts): opts.signal must be an AbortSignal, got an object"),
    );
  });

  it("refuses options that are not an object, or a priority that is not a boolean", () => {
    const ready = chan<number>(1);
    ready.offer(1);
    // Refused whether or not an op is ready: the check does not depend on timing.
    for (const ops of [[chan<number>()], [ready]]) {
      expect(() => select(ops, null as never)).toThrow(
        new TypeError("select(ops, opts): opts must be an object, got null"),
      );
      expect(() => select(ops, 5 as never)).toThrow(
        new TypeError("select(ops, opts): opts must be an object, got the number 5"),
      );
      expect(() => select(ops, { priority: "yes" as never })).toThrow(
        new TypeError(
          'select(ops, opts): opts.priority must be true or false, got the string "yes"',
        ),
      );
    }
    expect(ready.poll()).toBe(1); // nothing was taken by the refused calls
  });

  // Regression: `{ priorty: true }` or `{ signl }` was ignored, and with it what it asked for.
  it("refuses an unknown option key, naming it", () => {
    const c = chan<number>(1);
    expect(() => select([c], { priorty: true } as never)).toThrow(
      new TypeError(
        'select(ops, opts): unknown option "priorty" (the options are "signal", "priority", "default")',
      ),
    );
    expect(() => select([c], { default: 0, signl: AbortSignal.abort() } as never)).toThrow(
      'unknown option "signl"',
    );
    expect(c.offer(1)).toBe(true); // nothing was taken
  });

  it("rejects with the signal's reason when aborted, and delivers nothing", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const ac = new AbortController();
    const r = watch(select([a, [b, 5]], { signal: ac.signal }));
    ac.abort(new Error("cancelled"));
    await flush();
    expect(r.outcome.state).toBe("rejected");
    expect(b.poll()).toBeUndefined(); // the put was withdrawn
    void a.put(1);
    expect(a.poll()).toBe(1); // the take was withdrawn
    await expect(select([a], { signal: AbortSignal.abort("pre") })).rejects.toBe("pre");
  });

  it("withdraws what it parked when a channel's pending limit stops it", async () => {
    const full = chan<number>();
    const free = chan<number>();
    for (let i = 0; i < MAX_PENDING; i++) void full.take();
    expect(() => select([free, full], { priority: true })).toThrow(RangeError);
    // The take parked on `free` before the error is dead: a put is not swallowed by it.
    expect(free.offer(1)).toBe(false);
    full.close();
  });

  describe.each(kinds)("over $name channels", (kind) => {
    it("commits exactly one op when every op is ready", async () => {
      for (let round = 0; round < 30; round++) {
        const takeFrom = kind.make();
        const putTo = kind.make();
        void takeFrom.put(1);
        const waitingTaker = putTo.take();
        const r = await select([takeFrom, [putTo, 2]]);
        if (r.channel === takeFrom) {
          expect(r.value).toBe(1);
          expect(putTo.poll()).toBeUndefined();
          putTo.close();
          expect(await waitingTaker).toBeUndefined();
        } else {
          expect(r).toMatchObject({ channel: putTo, value: true });
          expect(await waitingTaker).toBe(2);
          expect(takeFrom.poll()).toBe(1); // still there: the take did not commit
        }
      }
    });
  });
});

describe("select fairness", () => {
  // With k ready channels, each should win about 1/k of the time. A chi-square test over
  // 3,000 rounds: 13.82 is the 0.999 quantile with 2 degrees of freedom, so a fair select
  // fails this about once in a thousand runs, and a biased one (say 40/30/30) almost always.
  it("chooses uniformly at random among ready ops", async () => {
    const chs = [chan<number>(1), chan<number>(1), chan<number>(1)];
    const wins = [0, 0, 0];
    const rounds = 3000;
    for (let i = 0; i < rounds; i++) {
      chs.forEach((c) => c.offer(1));
      const { channel } = await select(chs);
      wins[chs.indexOf(channel as Channel<number>)]!++;
      chs.forEach((c) => c.poll());
    }
    const expected = rounds / 3;
    const chi2 = wins.reduce((sum, w) => sum + (w - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(13.82);
  });

  it("is fair to puts and takes mixed, over a larger op list", async () => {
    const n = 8;
    const wins = new Array<number>(n).fill(0);
    const rounds = 4000;
    const chs = Array.from({ length: n }, () => chan<number>(1));
    for (let i = 0; i < rounds; i++) {
      // Even channels hold a value (take ready), odd ones have room (put ready).
      chs.forEach((c, j) => (j % 2 === 0 ? c.offer(j) : undefined));
      const ops = chs.map((c, j) => (j % 2 === 0 ? c : ([c, j] as const)));
      const { channel } = await select(ops);
      wins[chs.indexOf(channel as Channel<number>)]!++;
      chs.forEach((c) => c.poll());
    }
    const expected = rounds / n;
    const chi2 = wins.reduce((sum, w) => sum + (w - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(24.32); // 0.999 quantile, 7 degrees of freedom
  });
});

describe("select under contention", () => {
  it("loses and duplicates nothing with many concurrent selectors on both sides", async () => {
    const chs = [chan<number>(), chan<number>(2), chan<number>()];
    const producers = 6;
    const perProducer = 300;
    const consumers = 5;
    const received: number[] = [];
    const producing = Array.from({ length: producers }, async (_, p) => {
      for (let i = 0; i < perProducer; i++) {
        const v = p * perProducer + i;
        const r = await select(chs.map((c) => [c, v] as const));
        expect(r.value).toBe(true);
      }
    });
    const consuming = Array.from({ length: consumers }, async () => {
      for (;;) {
        const { value } = await select(chs);
        if (value === undefined) return;
        received.push(value as number);
      }
    });
    await Promise.all(producing);
    // Everything put was accepted; close all three once the consumers drained them.
    while (received.length < producers * perProducer) await flush();
    chs.forEach((c) => c.close());
    await Promise.all(consuming);
    expect(received).toHaveLength(producers * perProducer);
    expect(new Set(received).size).toBe(producers * perProducer);
  });

  it("does not grow when a long loop of selects loses to a fresh channel", async () => {
    // A channel that never fires collects one dead handler per lost select; the channel must
    // sweep them. If it did not, 300,000 handlers (~100 B each) would stay reachable.
    const never = chan<number>();
    const gc = getGc();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 300_000; i++) {
      const fires = chan<number>();
      const r = select([never, fires]);
      fires.close();
      await r;
    }
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    // And the channel still works.
    const t = never.take();
    void never.put(1);
    expect(await t).toBe(1);
  });
});

describe("select fairness when it must wait", () => {
  // Regression: pass 2 parked ops in the order given, and a channel serves its waiters
  // first-in first-out, so of two waiting puts on one channel the first listed always won
  // (Go's TestPseudoRandomSend saw 100 ones and 0 zeros).
  it("two waiting puts on one channel are met in random order", async () => {
    const n = 400;
    const c = chan<number>();
    const got: number[] = [];
    const receiver = (async () => {
      for (let i = 0; i < n; i++) {
        await Promise.resolve(); // let the select park first
        got.push((await c.take()) as number);
      }
    })();
    for (let i = 0; i < n; i++)
      await select([
        [c, 1],
        [c, 0],
      ]);
    await receiver;
    const ones = got.reduce((a, b) => a + b, 0);
    // Binomial(400, 1/2): below 140 or above 260 is a >6-sigma event.
    expect(ones).toBeGreaterThan(140);
    expect(ones).toBeLessThan(260);
  });

  // Regression: a take committed reported the first take of its channel, so a waiting
  // select([c, c]) always answered index 0 (Go's TestPseudoRandomSend, turned to receives).
  it("two waiting takes of one channel win in random order", async () => {
    const n = 400;
    let second = 0;
    for (let i = 0; i < n; i++) {
      const c = chan<number>();
      const r = select([c, c]);
      expect(c.offer(i)).toBe(true); // meets the parked select
      const { index, value } = await r;
      expect(value).toBe(i);
      second += index;
    }
    // Binomial(400, 1/2): below 140 or above 260 is a >6-sigma event.
    expect(second).toBeGreaterThan(140);
    expect(second).toBeLessThan(260);
  });

  it("with priority, a waiting take of a channel listed twice answers the first", async () => {
    const c = chan<number>();
    const other = chan<number>();
    const r = select([other, c, c], { priority: true });
    c.offer(7);
    expect(await r).toEqual({ channel: c, value: 7, index: 1 });
  });

  it("with priority, waiting ops are met in the order given", async () => {
    const c = chan<number>();
    const r = select(
      [
        [c, 1],
        [c, 0],
      ],
      { priority: true },
    );
    await Promise.resolve();
    expect(await c.take()).toBe(1);
    expect((await r).value).toBe(true);
  });
});

describe("select checks its ops", () => {
  it("names a Channel of another copy of @sluice/channels as such (two versions installed)", () => {
    let other!: typeof import("@sluice/channels");
    jest.isolateModules(() => {
      other = require("@sluice/channels");
    });
    const foreign = other.chan<number>(1);
    expect(foreign).not.toBeInstanceOf(Channel);
    const copy = /ops\[0\] .* got a Channel from another copy of @sluice\/channels/;
    expect(() => select([foreign as never])).toThrow(copy);
    expect(() => select([[foreign, 1] as never])).toThrow(
      /got a pair whose channel is a Channel from another copy/,
    );
    expect(() => pipe(foreign as never, chan())).toThrow(
      /pipe: from must be a Channel, got a Channel from another copy/,
    );
    // Anything else is named as before.
    expect(() => select([{} as never])).toThrow(/got an object$/);
  });

  it("when the same array is passed again after a bad op was put in it", async () => {
    const a = chan<number>(1);
    const b = chan<number>(1);
    const ops: unknown[] = [a, b];
    a.offer(1);
    b.offer(2);
    await select(ops as never);
    ops[1] = "not a channel"; // same array, same length: changed in place
    a.poll();
    b.poll();
    // Nothing is ready, so every op is touched: the changed one is reported at this call.
    expect(() => select(ops as never, { default: null })).toThrow(/ops\[1\] must be a Channel/);
    expect(() => select(ops as never)).toThrow(/ops\[1\] must be a Channel/);
  });
});
