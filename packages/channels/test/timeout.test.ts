import { chan, select, timeout } from "@sluice/channels";
import { flush, watch } from "./helpers";

describe("timeout", () => {
  afterEach(() => jest.useRealTimers());

  it("closes after ms, not before", async () => {
    jest.useFakeTimers();
    const t = timeout(100);
    const take = watch(t.take());
    jest.advanceTimersByTime(99);
    await Promise.resolve();
    expect(t.closed).toBe(false);
    expect(take.outcome.state).toBe("pending");
    jest.advanceTimersByTime(1);
    expect(t.closed).toBe(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(take.outcome).toEqual({ state: "fulfilled", value: undefined });
  });

  it("wins a select when nothing else is ready in time", async () => {
    jest.useFakeTimers();
    const replies = chan<string>();
    const t = timeout(50);
    const r = watch(select([replies, t]));
    jest.advanceTimersByTime(50);
    await Promise.resolve();
    await Promise.resolve();
    expect(r.outcome).toEqual({
      state: "fulfilled",
      value: { channel: t, value: undefined, index: 1 },
    });
    // The losing take on `replies` consumed nothing.
    expect(replies.offer("late")).toBe(false);
  });

  it("refuses a delay that is not a number from 0 to 2^31-1", () => {
    for (const bad of [-1, NaN, Infinity, 2 ** 31]) {
      expect(() => timeout(bad)).toThrow(RangeError);
    }
    expect(() => timeout(-1)).toThrow(/timeout\(ms\): ms must be a number from 0/);
    // A string is not a number, even one that reads as one: the message says what it was.
    expect(() => timeout("5" as never)).toThrow(
      new TypeError('timeout(ms): ms must be a number, got the string "5"'),
    );
  });

  it("with real timers, never completes before ms have passed by performance.now()", async () => {
    // Node counts a timer's delay from the whole millisecond it was set in, so setTimeout(f, ms)
    // may run up to 1 ms before ms have passed; Go's time.After and core.async's timeout never do.
    // Each round starts at a random point inside a millisecond, shared (same ms, same
    // millisecond) or with a signal.
    const early: string[] = [];
    const rounds: Promise<void>[] = [];
    for (let i = 0; i < 120; i++) {
      const spin = performance.now() + Math.random();
      while (performance.now() < spin);
      const ms = 2 + (i % 4);
      const start = performance.now();
      const t = i % 3 === 2 ? timeout(ms, { signal: new AbortController().signal }) : timeout(ms);
      rounds.push(
        t.take().then(() => {
          const waited = performance.now() - start;
          if (waited < ms) early.push(`${ms} ms after ${waited.toFixed(3)}`);
        }),
      );
      if (i % 2 === 1) await Promise.all(rounds.splice(0));
    }
    await Promise.all(rounds);
    expect(early).toEqual([]);
  });

  it("with real timers, a select over a fresh timeout in a loop completes every round", async () => {
    const never = chan<number>();
    for (let i = 0; i < 200; i++) {
      const t = timeout(0);
      expect((await select([never, t])).channel).toBe(t);
    }
    await flush();
  });
});
