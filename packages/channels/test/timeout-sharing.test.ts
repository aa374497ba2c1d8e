// timeout(ms, { signal }) and the shared deadlines: what the timeouts of a select loop cost.
import { chan, select, timeout } from "@sluice/channels";
import { watch } from "./helpers";

describe("timeout: shared deadlines", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("a loop of 100,000 select([ch, timeout(1000)]) holds one timer per millisecond, not per round", async () => {
    const ch = chan<number>(1);
    const before = jest.getTimerCount();
    let timeouts = 0;
    for (let i = 0; i < 100_000; i++) {
      ch.offer(i);
      const r = await select([ch, timeout(1000)], { priority: true });
      if (r.index === 1) timeouts++;
      if (i % 1000 === 999) jest.advanceTimersByTime(1); // the clock moves on: 100 ms in all
    }
    expect(timeouts).toBe(0);
    // 100 distinct milliseconds, at most 256 callers per channel: ~100 timers, plus a few.
    expect(jest.getTimerCount() - before).toBeLessThanOrEqual(100 + 100_000 / 256);
    jest.advanceTimersByTime(1000);
    expect(jest.getTimerCount()).toBe(before);
  });

  it("calls in the same millisecond with the same ms share a channel; others do not", () => {
    const a = timeout(50);
    const b = timeout(50);
    const c = timeout(60);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    jest.advanceTimersByTime(1);
    const d = timeout(50); // a millisecond later: a deadline of its own
    expect(d).not.toBe(a);
    jest.advanceTimersByTime(49);
    expect(a.closed).toBe(true);
    expect(d.closed).toBe(false);
    expect(c.closed).toBe(false);
    jest.advanceTimersByTime(10);
    expect(d.closed && c.closed).toBe(true);
  });

  it("an entry whose timer was lost with a fake clock is not handed out later", () => {
    const lost = timeout(5000); // its timer goes with the fake clock below
    jest.useRealTimers();
    jest.useFakeTimers({ now: Date.now() + 1000 });
    const fresh = timeout(5000);
    expect(fresh).not.toBe(lost);
    jest.advanceTimersByTime(5000);
    expect(fresh.closed).toBe(true);
  });

  it("at most 256 callers share one channel", () => {
    const first = timeout(10);
    for (let i = 1; i < 256; i++) expect(timeout(10)).toBe(first);
    expect(timeout(10)).not.toBe(first);
    jest.advanceTimersByTime(10);
  });

  it("a shared channel that a user closed is not handed out again", () => {
    const a = timeout(30);
    a.close();
    const b = timeout(30);
    expect(b).not.toBe(a);
    expect(b.closed).toBe(false);
    jest.advanceTimersByTime(30);
    expect(b.closed).toBe(true);
  });
});

describe("timeout(ms, { signal })", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("closes at once when aborted, completing a take waiting on it, and frees its timer", async () => {
    const ac = new AbortController();
    const before = jest.getTimerCount();
    const t = timeout(5000, { signal: ac.signal });
    expect(jest.getTimerCount()).toBe(before + 1);
    const take = watch(t.take());
    ac.abort();
    expect(t.closed).toBe(true);
    expect(jest.getTimerCount()).toBe(before);
    await Promise.resolve();
    await Promise.resolve();
    expect(take.outcome).toEqual({ state: "fulfilled", value: undefined });
  });

  it("a select parked on it sees the deadline when the signal fires", async () => {
    const ac = new AbortController();
    const never = chan<number>();
    const t = timeout(5000, { signal: ac.signal });
    const r = select([never, t]);
    ac.abort();
    const won = await r;
    expect(won.channel).toBe(t);
    expect(won.index).toBe(1);
  });

  it("closes after ms when not aborted, and then forgets the signal", () => {
    const ac = new AbortController();
    const t = timeout(100, { signal: ac.signal });
    jest.advanceTimersByTime(99);
    expect(t.closed).toBe(false);
    jest.advanceTimersByTime(1);
    expect(t.closed).toBe(true);
    ac.abort(); // nothing left to do
  });

  it("is never shared", () => {
    const ac = new AbortController();
    const own = timeout(100, { signal: ac.signal });
    expect(timeout(100)).not.toBe(own);
    expect(timeout(100, { signal: ac.signal })).not.toBe(own);
    ac.abort();
    jest.advanceTimersByTime(100);
  });

  it("an already-aborted signal gives a closed channel and starts no timer", () => {
    const before = jest.getTimerCount();
    const t = timeout(100, { signal: AbortSignal.abort() });
    expect(t.closed).toBe(true);
    expect(jest.getTimerCount()).toBe(before);
  });

  it("refuses options that are not an object, and a signal that is not an AbortSignal", () => {
    expect(() => timeout(1, 5 as never)).toThrow(
      new TypeError("timeout(ms, opts): opts must be an object, got the number 5"),
    );
    expect(() => timeout(1, { signal: {} as never })).toThrow(
      /timeout\(ms, opts\): opts.signal must be an AbortSignal, got an object/,
    );
  });

  it("refuses an unknown option key, naming it", () => {
    expect(() => timeout(5, { signl: AbortSignal.abort() } as never)).toThrow(
      new TypeError('timeout(ms, opts): unknown option "signl" (the options are "signal")'),
    );
  });
});

describe("timeout: Node's early timers", () => {
  // Fake timers that leave performance.now() to the test: `clock` is what it returns.
  let clock = 1000;
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ["performance"] });
    jest.spyOn(performance, "now").mockImplementation(() => clock);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it("a timer that runs less than 2 ms before the deadline waits out the rest", () => {
    clock = 1000;
    const t = timeout(10);
    clock = 1000.5; // a sharer in the same millisecond moves the deadline to 1010.5
    expect(timeout(10)).toBe(t);
    clock = 1009.8;
    jest.advanceTimersByTime(10);
    expect(t.closed).toBe(false);
    clock = 1010.5;
    jest.advanceTimersByTime(1);
    expect(t.closed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("a timer that runs earlier than that follows a clock of its own (fake timers), and closes", () => {
    clock = 1000;
    const t = timeout(100);
    jest.advanceTimersByTime(100); // performance.now() did not move
    expect(t.closed).toBe(true);
  });

  it("an abort while a timer waits out the rest closes it and frees that timer", () => {
    clock = 1000;
    const ac = new AbortController();
    const t = timeout(10, { signal: ac.signal });
    clock = 1009.5;
    jest.advanceTimersByTime(10);
    expect(t.closed).toBe(false);
    expect(jest.getTimerCount()).toBe(1);
    ac.abort();
    expect(t.closed).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });
});
