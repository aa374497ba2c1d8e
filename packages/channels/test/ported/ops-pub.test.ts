/*
 * pub and sub, ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests, and the pub, sub and unsub-all docstrings
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { chan, from, into, onto, pipe, pub, sliding } from "@sluice/channels";
import { within } from "../helpers";
import { drain, range, settle } from "./helpers";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests pub-sub", async () => {
    const aInts = chan<number | string>(5);
    const aStrs = chan<number | string>(5);
    const bInts = chan<number | string>(5);
    const bStrs = chan<number | string>(5);
    const src = chan<number | string>();
    const p = pub(src, (x) => (typeof x === "string" ? "string" : "int"));
    p.sub("string", aStrs);
    p.sub("string", bStrs);
    p.sub("int", aInts);
    p.sub("int", bInts);
    pipe(from<number | string>([1, "a", 2, "b", 3, "c"]), src);
    expect(await into(aInts)).toEqual([1, 2, 3]);
    expect(await into(bInts)).toEqual([1, 2, 3]);
    expect(await into(aStrs)).toEqual(["a", "b", "c"]);
    expect(await into(bStrs)).toEqual(["a", "b", "c"]);
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
