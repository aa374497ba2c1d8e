/*
 * from and onto (core.async to-chan!, onto-chan!), ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests, and the to-chan! and onto-chan! docstrings
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { chan, from, into, onto } from "@sluice/channels";
import { takeWithin, watch, within } from "../helpers";
import { range, settle } from "./helpers";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests to-chan", async () => {
    expect(await into(from(range(10)))).toEqual(range(10));
    // to-chan!! (a lazy seq, not counted): a generator
    expect(await into(from((function* () { yield* range(10); })()))).toEqual(range(10)); // prettier-ignore
  });

  it("core.async: ops-tests onto-chan", async () => {
    const ch = chan<number>(10);
    const done = onto(ch, range(10));
    expect(await into(ch)).toEqual(range(10));
    await done;
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
