/*
 * More of core.async, translated to sluice: what core.async's own test files leave out
 * (core-async.test.ts and core-async-ops.test.ts port those), taken from the contracts that
 * core.async's docstrings state (clojure/core.async src/main/clojure/clojure/core/async.clj),
 * one test per claim, titled "core.async <fn> docstring: …" and quoting the claim.
 *
 * Name map: as in core-async.test.ts — alts! → select (`:default` → `{ default }`,
 * `:priority true` → `{ priority: true }`, [v port] → { value, channel }), put!/>! → put,
 * take!/<! → take, offer! → offer, poll! → poll, close! → close, promise-chan → promiseChan,
 * dropping-buffer / sliding-buffer → dropping / sliding, to-chan! → from, onto-chan! → onto,
 * (a/into [] ch) → into, nil → undefined.
 *
 * Where sluice documents a different choice (docs/decisions.md), the test checks sluice's and
 * names the decision:
 *   - O7: a soloed input is read even when paused (core.async's code skips it in :mute mode).
 *   - O8: to-chan!'s buffer is min(count, 100) for an array; other iterables are unbuffered.
 *
 * Not translated, and why:
 *   - Transducers and ex-handlers of chan/promise-chan/pipeline: sluice channels take none.
 *   - reduce with `reduced`, a/take, a/map over several channels: not in sluice's API.
 *   - The on-caller? flags of put!/take!: one thread; promises always settle on a later tick.
 */
import {
  Channel,
  DEFAULT,
  chan,
  dropping,
  from,
  into,
  mix,
  mult,
  onto,
  promiseChan,
  pub,
  reduce,
  select,
  sliding,
  split,
  timeout,
} from "@sluice/channels";
import { flush, takeWithin, watch, within } from "../helpers";

jest.setTimeout(5000);

/** Lets chained operator loops run to a standstill: a few macrotask turns. */
async function settle(turns = 6): Promise<void> {
  for (let i = 0; i < turns; i++) await flush();
}

/** Takes what is ready now. */
function drain<T>(ch: Channel<T>): T[] {
  const out: T[] = [];
  for (let v = ch.poll(); v !== undefined; v = ch.poll()) out.push(v);
  return out;
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

describe("core.async alts! docstring", () => {
  it('core.async alts! docstring: ":priority true - the operations will be tried in order", puts included', async () => {
    const a = chan<number>(1);
    const b = chan<number>(1);
    for (let i = 0; i < 20; i++) {
      const r = await select(
        [
          [a, 1],
          [b, 2],
        ],
        { priority: true },
      );
      expect(r).toEqual({ channel: a, value: true });
      expect(a.poll()).toBe(1);
    }
    expect(b.poll()).toBeUndefined(); // the second put never ran
    // Mixed: the first op is a put that cannot complete (full), the second a ready take, the
    // third a ready put: the take wins, every time, and the third put delivers nothing.
    const full = chan<number>(1);
    full.offer(0);
    const t = chan<number>(1);
    for (let i = 0; i < 20; i++) {
      t.offer(i);
      const r = await select([[full, 1], t, [b, 2]], { priority: true });
      expect(r).toEqual({ channel: t, value: i });
    }
    expect([full.poll(), full.poll(), b.poll()]).toEqual([0, undefined, undefined]);
  });

  it('core.async alts! docstring: "If no operation is ready and a :default value is supplied, [default-val :default] will be returned", for puts', async () => {
    const unbuffered = chan<number>();
    const full = chan<number>(1);
    full.offer(0);
    for (const opts of [{ default: "d" }, { default: "d", priority: true }]) {
      expect(
        await select(
          [
            [unbuffered, 1],
            [full, 2],
          ],
          opts,
        ),
      ).toEqual({ channel: DEFAULT, value: "d" });
    }
    // Nothing was left waiting: no put for a later taker, no extra value in the buffer.
    expect(unbuffered.poll()).toBeUndefined();
    expect([full.poll(), full.poll()]).toEqual([0, undefined]);
    // A put with room is ready, so the default is not taken.
    expect(await select([[full, 3]], { default: "d" })).toEqual({ channel: full, value: true });
    expect(full.poll()).toBe(3);
  });

  it('core.async alts! docstring: a put\'s val is "a boolean (true unless already closed, as per put!)"', async () => {
    const closed = chan<number>(1);
    closed.close();
    expect(await select([[closed, 1]])).toEqual({ channel: closed, value: false });
    // Ready at once, so a :default is not taken either.
    expect(await select([[closed, 1]], { default: "d" })).toEqual({
      channel: closed,
      value: false,
    });
    // A put that was waiting when the channel closed is delivered later (close! docstring:
    // "Logically closing happens after all puts have been delivered"): so it reports true.
    const c = chan<number>();
    const other = chan<number>();
    const waiting = watch(select([other, [c, 7]]));
    await flush();
    c.close();
    await flush();
    expect(waiting.outcome).toEqual({ state: "pending" });
    expect(await takeWithin(c)).toBe(7);
    await flush();
    expect(waiting.outcome).toEqual({ state: "fulfilled", value: { channel: c, value: true } });
    expect(other.offer(1)).toBe(false); // its take on `other` went dead
  });

  it('core.async alts! docstring: "Returns [val port] of the completed operation", nil for a closed take', async () => {
    const open = chan<number>();
    const closed = chan<number>();
    closed.close();
    for (let i = 0; i < 10; i++) {
      expect(await select([open, closed])).toEqual({ channel: closed, value: undefined });
    }
    expect(open.offer(1)).toBe(false); // no take was left on `open`
  });
});

describe("core.async promise-chan docstring", () => {
  it('core.async promise-chan docstring inside alts!: "Consumers will block until … a value is placed in the channel … then return the value … forever"', async () => {
    const p = promiseChan<string>();
    const never = chan<string>();
    expect(await select([p], { default: "none" })).toEqual({ channel: DEFAULT, value: "none" });
    // Every select waiting on it gets the value, each once.
    const waiting = [select([p, never]), select([never, p]), select([p]), p.take()];
    await flush();
    expect(await select([[p, "val"]])).toEqual({ channel: p, value: true });
    expect(await within(Promise.all(waiting), 1000, "the waiting selects")).toEqual([
      { channel: p, value: "val" },
      { channel: p, value: "val" },
      { channel: p, value: "val" },
      "val",
    ]);
    expect(never.offer("x")).toBe(false); // their takes on `never` went dead
    // Then it is always ready, with the same value.
    for (let i = 0; i < 10; i++) {
      expect(await select([never, p], { default: "none" })).toEqual({ channel: p, value: "val" });
    }
    // "Once full, puts complete but val is dropped (no transfer)": a select put is ready.
    expect(await select([[p, "LOST"]], { default: "d" })).toEqual({ channel: p, value: true });
    expect(await p.take()).toBe("val");
    p.close();
    expect(await select([p])).toEqual({ channel: p, value: "val" });
  });

  it('core.async promise-chan docstring: closed before a value, consumers "return … nil … forever", selects too', async () => {
    const p = promiseChan<string>();
    const waiting = [select([p, chan<string>()]), p.take()];
    await flush();
    p.close();
    expect(await within(Promise.all(waiting), 1000, "the waiting takes")).toEqual([
      { channel: p, value: undefined },
      undefined,
    ]);
    expect(await p.put("late")).toBe(false);
    expect(await select([[p, "late"]])).toEqual({ channel: p, value: false });
    expect([await p.take(), await p.take()]).toEqual([undefined, undefined]);
  });
});

describe("core.async close! docstring", () => {
  it('core.async close! docstring: data remains available, pending takes get nil, later puts are ignored, parked puts "remain … parked until a taker releases them"', async () => {
    const c = chan<number>(1);
    c.offer(1);
    const plainPut = c.put(2);
    const selectPut = select([[c, 3]]);
    await flush();
    c.close();
    c.close(); // "Closing a closed channel is a no-op."
    expect(await c.put(4)).toBe(false); // "no longer accept any puts"
    expect(c.offer(5)).toBe(false);
    expect([await takeWithin(c), await takeWithin(c), await takeWithin(c)]).toEqual([1, 2, 3]);
    expect(await within(Promise.all([plainPut, selectPut]), 1000, "the parked puts")).toEqual([
      true,
      { channel: c, value: true },
    ]);
    expect(await c.take()).toBeUndefined(); // "after which takes will return nil"
    // "If there are any pending takes, they will be dispatched with nil."
    const d = chan<number>();
    const takes = [d.take(), select([d]), select([chan<number>(), d])];
    await flush();
    d.close();
    expect(await within(Promise.all(takes), 1000, "the pending takes")).toEqual([
      undefined,
      { channel: d, value: undefined },
      { channel: d, value: undefined },
    ]);
  });
});

describe("core.async offer! and poll! docstrings", () => {
  it('core.async offer! docstring: "Puts a val into port if it\'s possible to do so immediately", to a waiting alts!', async () => {
    const c = chan<number>();
    const other = chan<number>();
    const s = select([other, c]);
    await flush();
    expect(c.offer(5)).toBe(true);
    expect(await within(s)).toEqual({ channel: c, value: 5 });
    expect(c.offer(6)).toBe(false); // the select committed once; nothing waits now
    expect(other.offer(7)).toBe(false);
  });

  it('core.async poll! docstring: "Takes a val from port if it\'s possible to do so immediately", from a waiting alts! put', async () => {
    const c = chan<number>();
    const other = chan<number>();
    const s = select([
      [other, 1],
      [c, 2],
    ]);
    await flush();
    expect(c.poll()).toBe(2);
    expect(await within(s)).toEqual({ channel: c, value: true });
    expect(c.poll()).toBeUndefined();
    expect(other.poll()).toBeUndefined(); // its put on `other` went dead
  });
});

describe("core.async buffer docstrings", () => {
  it('core.async unblocking-buffer? docstring: a channel on a dropping or sliding buffer "will never block", so an alts! put on it never takes the :default', async () => {
    for (const [make, keeps] of [
      [() => chan<number>(dropping(2)), [1, 2]],
      [() => chan<number>(sliding(2)), [4, 5]],
    ] as const) {
      const c = make();
      for (const v of [1, 2, 3, 4, 5]) {
        expect(await select([[c, v]], { default: "d" })).toEqual({ channel: c, value: true });
      }
      expect(drain(c)).toEqual(keeps);
    }
  });

  it('core.async dropping-buffer docstring: "When full, puts will complete but val will be dropped (no transfer)" — but a waiting taker gets every value', async () => {
    const c = chan<number>(dropping(1));
    const takers = [c.take(), c.take(), select([c])];
    await flush();
    for (const v of [1, 2, 3]) expect(await c.put(v)).toBe(true);
    expect(await within(Promise.all(takers))).toEqual([1, 2, { channel: c, value: 3 }]);
    for (const v of [4, 5, 6]) expect(await c.put(v)).toBe(true);
    expect(drain(c)).toEqual([4]);
  });
});

describe("core.async timeout docstring", () => {
  it('core.async timeout docstring: "Returns a channel that will close after msecs", in alts!', async () => {
    const never = chan<number>();
    const t = timeout(20);
    expect(await select([never, t], { default: "not yet" })).toEqual({
      channel: DEFAULT,
      value: "not yet",
    });
    expect(await within(select([never, t]), 2000, "the timeout")).toEqual({
      channel: t,
      value: undefined,
    });
    expect(await t.put(1 as never)).toBe(false);
    expect(never.offer(1)).toBe(false);
  });
});

describe("core.async mult and tap docstrings", () => {
  it('core.async mult docstring: "Use buffering/windowing to prevent slow taps from holding up the mult"', async () => {
    const source = chan<number>();
    const m = mult(source);
    const fast = m.tap(chan<number>());
    const latest = m.tap(chan<number>(sliding(1)));
    const earliest = m.tap(chan<number>(dropping(1)));
    const got = into(fast);
    for (const v of range(1, 11)) expect(await within(source.put(v))).toBe(true);
    source.close();
    expect(await within(got)).toEqual(range(1, 11));
    expect(await into(latest)).toEqual([10]);
    expect(await into(earliest)).toEqual([1]);
  });

  it('core.async tap docstring: "By default the channel will be closed when the source closes, but can be determined by the close? parameter"', async () => {
    const source = chan<number>();
    const m = mult(source);
    const closes = m.tap(chan<number>(4));
    const stays = m.tap(chan<number>(4), false);
    await source.put(1);
    source.close();
    await settle();
    expect(closes.closed).toBe(true);
    expect(stays.closed).toBe(false);
    expect(await into(closes)).toEqual([1]);
    expect(await stays.put(2)).toBe(true);
    expect(drain(stays)).toEqual([1, 2]);
  });

  it('core.async untap docstring: "Disconnects a target channel from a mult" (it gets nothing more and is not closed with the source)', async () => {
    const source = chan<number>();
    const m = mult(source);
    const a = m.tap(chan<number>(4));
    const b = m.tap(chan<number>(4));
    await source.put(1);
    await settle();
    m.untap(b);
    await source.put(2);
    source.close();
    await settle();
    expect(await within(into(a))).toEqual([1, 2]);
    expect(b.closed).toBe(false);
    expect(drain(b)).toEqual([1]);
  });

  it('core.async untap-all docstring: "Disconnects all target channels from a mult"; then "Items received when there are no taps get dropped"', async () => {
    const source = chan<number>();
    const m = mult(source);
    const a = m.tap(chan<number>());
    const b = m.tap(chan<number>());
    const first = source.put(1); // neither tap reads: the mult waits on both
    await settle();
    m.untapAll();
    expect(await within(first)).toBe(true);
    for (const v of [2, 3]) expect(await within(source.put(v))).toBe(true); // dropped, not held
    source.close();
    await settle();
    expect([a.poll(), b.poll(), a.closed, b.closed]).toEqual([undefined, undefined, false, false]);
  });
});

describe("core.async pub and sub docstrings", () => {
  const parity = (x: number) => (x % 2 === 0 ? "even" : "odd");

  it('core.async pub docstring: "Items received when there are no matching subs get dropped" (the source is not held)', async () => {
    const source = chan<number>();
    const p = pub(source, parity);
    const evens = p.sub("even", chan<number>(10));
    for (const v of range(1, 7)) expect(await within(source.put(v))).toBe(true);
    source.close();
    expect(await within(into(evens))).toEqual([2, 4, 6]);
  });

  it('core.async pub docstring: "a buf-fn can be supplied which, given a topic, creates a buffer with desired properties"', async () => {
    // A topic on a sliding buffer of 1 keeps only the latest value while its subscriber lags:
    // the topic's mult holds the first value for it, the buffer the newest.
    const source = chan<number>();
    const p = pub(
      source,
      (x: number) => (x < 100 ? "slow" : "other"),
      (topic) => (topic === "slow" ? sliding<number>(1) : undefined),
    );
    const slow = p.sub("slow", chan<number>());
    const other = p.sub("other", chan<number>(10));
    for (const v of [1, 2, 100, 3, 4, 101, 5]) expect(await within(source.put(v))).toBe(true);
    await settle();
    source.close();
    expect(await within(into(slow))).toEqual([1, 5]);
    expect(await within(into(other))).toEqual([100, 101]);
  });

  it("core.async pub docstring: without buf-fns a channel subscribed to two topics sees them interleaved as in the source", async () => {
    // The docstring's note, read the other way: only "if buf-fns are used … it should not
    // expect them to be interleaved identically with the source".
    const source = chan<number>();
    const p = pub(source, parity);
    const both = chan<number>(20);
    p.sub("even", both);
    p.sub("odd", both);
    void onto(source, range(1, 13));
    await settle();
    expect(drain(both)).toEqual(range(1, 13));
  });

  it('core.async sub docstring: "By default the channel will be closed when the source closes, but can be determined by the close? parameter"', async () => {
    const source = chan<number>();
    const p = pub(source, parity);
    const closes = p.sub("even", chan<number>(4));
    const stays = p.sub("even", chan<number>(4), false);
    await source.put(2);
    source.close();
    await settle();
    expect(closes.closed).toBe(true);
    expect(stays.closed).toBe(false);
    expect(await into(closes)).toEqual([2]);
    expect(drain(stays)).toEqual([2]);
  });

  it('core.async unsub-all docstring: "Unsubscribes all channels from … a topic of a pub" (the others go on)', async () => {
    const source = chan<number>();
    const p = pub(source, parity);
    const e1 = p.sub("even", chan<number>(4));
    const e2 = p.sub("even", chan<number>(4));
    const o = p.sub("odd", chan<number>(4));
    await source.put(2);
    await settle();
    p.unsubAll("even");
    for (const v of [3, 4, 5]) expect(await within(source.put(v))).toBe(true);
    source.close();
    await settle();
    expect(await within(into(o))).toEqual([3, 5]);
    expect([drain(e1), drain(e2), e1.closed, e2.closed]).toEqual([[2], [2], false, false]);
  });
});

describe("core.async mix, toggle and solo-mode docstrings", () => {
  it('core.async toggle docstring: "channels can be added to a mix via toggle, which can be used to add channels in a particular (e.g. paused) state"', async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const c = chan<number>();
    m.toggle(new Map([[c, { pause: true }]]));
    await settle();
    const held = watch(c.put(1));
    await settle();
    expect(held.outcome).toEqual({ state: "pending" }); // "not have their contents consumed"
    m.toggle(new Map([[c, { pause: false }]]));
    await settle();
    expect(held.outcome).toEqual({ state: "fulfilled", value: true });
    expect(drain(out)).toEqual([1]);
    m.unmixAll();
  });

  it('core.async toggle docstring: "Any states supplied are merged with the current state"', async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const c = chan<number>();
    m.admix(c);
    m.toggle(new Map([[c, { mute: true }]]));
    m.toggle(new Map([[c, { pause: false }]])); // leaves mute as it was
    await settle();
    expect(await within(c.put(1))).toBe(true); // "muted channels will have their contents consumed
    await settle();
    expect(drain(out)).toEqual([]); // but not included in the mix"
    m.unmixAll();
  });

  it('core.async mix docstring: ":mute and :pause states of soloed channels are ignored" (decision O7 for pause)', async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const a = chan<number>();
    const b = chan<number>();
    m.admix(b);
    m.toggle(new Map([[a, { solo: true, mute: true, pause: true }]]));
    await settle();
    expect(await within(a.put(1))).toBe(true);
    expect(await within(b.put(2))).toBe(true); // solo-mode :mute: b is consumed, not heard
    await settle();
    expect(drain(out)).toEqual([1]);
    m.unmixAll();
  });

  it('core.async toggle docstring: "Atomically sets the state(s)"; sluice docs: "a change applies from the very next value" (even while the mix waits on out)', async () => {
    // The mix holds a value for an unbuffered `out` while more wait in its input. A mute made
    // then must apply to the next value the mix reads, not be raced by it.
    for (let trial = 0; trial < 20; trial++) {
      const out = chan<number>();
      const m = mix(out);
      const a = chan<number>(10);
      for (const v of [1, 2, 3]) a.offer(v);
      m.admix(a);
      await settle();
      m.toggle(new Map([[a, { mute: true }]]));
      expect(await takeWithin(out)).toBe(1); // read before the toggle: heard
      await settle();
      expect([trial, out.poll(), drain(a)]).toEqual([trial, undefined, []]); // 2, 3: dropped
      m.unmixAll();
      out.close();
    }
  });
});

describe("core.async split docstring", () => {
  it('core.async split docstring: "two buf-or-ns can be supplied. The channels will close after the source channel has closed"', async () => {
    const [even, odd] = split(
      (x: number) => x % 2 === 0,
      from(range(1, 11)),
      dropping<number>(1),
      sliding<number>(1),
    );
    await settle();
    expect(await within(into(even))).toEqual([2]);
    expect(await within(into(odd))).toEqual([9]);
  });
});

describe("core.async onto-chan! and to-chan! docstrings", () => {
  it("core.async to-chan! docstring and source: the buffer is (bounded-count 100 coll) (decision O8)", async () => {
    const small = from([1, 2, 3]);
    await settle();
    expect(small.closed).toBe(true); // all three were buffered, then it closed: no take needed
    const big = from(range(0, 150));
    await settle();
    expect(big.closed).toBe(false); // 100 buffered, the 101st waits
    for (let i = 0; i < 49; i++) expect(big.poll()).toBe(i);
    await settle();
    expect(big.closed).toBe(false); // 149 accepted
    expect(big.poll()).toBe(49);
    await settle();
    expect(big.closed).toBe(true); // 150 accepted
    expect(await within(into(big))).toEqual(range(50, 150));
  });

  it("core.async to-chan! source: an empty collection gives a channel that is closed at once", async () => {
    expect(from([]).closed).toBe(true);
    expect(from(new Set<number>()).closed).toBe(true);
    expect(await from<number>([]).take()).toBeUndefined();
  });

  it('core.async onto-chan! docstring: "Returns a channel which will close after the items are copied"; close? decides whether ch closes', async () => {
    const ch = chan<number>();
    const done = watch(onto(ch, [1, 2, 3]));
    await settle();
    expect(done.outcome).toEqual({ state: "pending" }); // unbuffered: nothing copied yet
    expect([await takeWithin(ch), await takeWithin(ch)]).toEqual([1, 2]);
    await settle();
    expect(done.outcome).toEqual({ state: "pending" });
    expect(await takeWithin(ch)).toBe(3);
    await settle();
    expect(done.outcome.state).toBe("fulfilled");
    expect(ch.closed).toBe(true);
    // An empty collection: closes ch at once (by default), or leaves it open with close? false.
    const a = chan<number>();
    const b = chan<number>();
    await within(onto(a, []));
    await within(onto(b, [], { close: false }));
    expect([a.closed, b.closed]).toEqual([true, false]);
  });
});

describe("core.async reduce and into docstrings", () => {
  it('core.async reduce docstring: "If the channel closes without yielding items, returns init and f is not called"', async () => {
    const f = jest.fn((acc: number, v: number) => acc + v);
    const closed = chan<number>();
    closed.close();
    expect(await within(reduce(f, 42, closed))).toBe(42);
    const later = chan<number>();
    const r = reduce(f, 7, later);
    await flush();
    later.close();
    expect(await within(r)).toBe(7);
    expect(f).not.toHaveBeenCalled();
  });

  it('core.async reduce docstring: "ch must close before reduce produces a result" (buffered values after close still count)', async () => {
    const ch = chan<number>(5);
    const r = watch(reduce((acc: number[], v: number) => [...acc, v], [0], ch));
    for (const v of [1, 2]) await ch.put(v);
    await settle();
    expect(r.outcome).toEqual({ state: "pending" });
    ch.offer(3);
    ch.offer(4);
    ch.close();
    await settle();
    expect(r.outcome).toEqual({ state: "fulfilled", value: [0, 1, 2, 3, 4] });
  });

  it('core.async into docstring: "ch must close before into produces a result"; a closed, buffered channel yields what it holds', async () => {
    const ch = chan<string>(3);
    ch.offer("a");
    ch.offer("b");
    ch.close();
    expect(await within(into(ch))).toEqual(["a", "b"]);
    expect(await within(into(ch))).toEqual([]); // drained
  });
});
