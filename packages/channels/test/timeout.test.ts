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

  it("with real timers, a select over a fresh timeout in a loop completes every round", async () => {
    const never = chan<number>();
    for (let i = 0; i < 200; i++) {
      const t = timeout(0);
      expect((await select([never, t])).channel).toBe(t);
    }
    await flush();
  });
});
