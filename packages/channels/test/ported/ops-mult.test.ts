/*
 * mult, tap and untap, ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests, and the mult, tap, untap and untap-all docstrings
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { chan, dropping, from, into, mult, pipe, sliding } from "@sluice/channels";
import { flush, within } from "../helpers";
import { drain, range, settle } from "./helpers";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests mult", async () => {
    const a = chan<number>(4);
    const b = chan<number>(4);
    const src = chan<number>();
    const m = mult(src);
    m.tap(a);
    m.tap(b);
    pipe(from(range(4)), src);
    expect(await into(a)).toEqual([0, 1, 2, 3]);
    expect(await into(b)).toEqual([0, 1, 2, 3]);
  });

  it("core.async: ops-tests mult (ASYNC-127: a closed tap does not stop the others)", async () => {
    const ch = from([1, 2, 3]);
    const m = mult(ch);
    const t1 = chan<number>();
    const t2 = chan<number>();
    const t3 = chan<number>();
    m.tap(t1);
    m.tap(t2);
    m.tap(t3);
    t3.close();
    expect(await t1.take()).toBe(1);
    await flush();
    expect(t1.poll()).toBeUndefined(); // t2 hasn't taken yet
    expect(await t2.take()).toBe(1);
    expect(await t1.take()).toBe(2); // now available
    await flush();
    expect(t1.poll()).toBeUndefined();
    // finish: drain both so the mult's loop ends
    expect(await t2.take()).toBe(2);
    expect(await Promise.all([into(t1), into(t2)])).toEqual([[3], [3]]);
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
