/*
 * reduce and into, ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests, and the reduce and into docstrings
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { chan, from, into, reduce } from "@sluice/channels";
import { flush, watch, within } from "../helpers";
import { range, settle } from "./helpers";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests reduce", async () => {
    const plus = (a: number, b: number) => a + b;
    expect(await reduce(plus, 0, from<number>([]))).toBe(0);
    expect(await reduce(plus, 0, from(range(10)))).toBe(45);
    // (a/reduce #(if (= %2 2) (reduced :foo) %1) 0 (to-chan! (range 10))) => :foo
    const ch = from(range(10));
    const seen: number[] = [];
    const early = (acc: unknown, v: number) => {
      seen.push(v);
      return v === 2 ? { "@@transducer/reduced": true, "@@transducer/value": "foo" } : acc;
    };
    expect(await reduce(early, 0 as unknown, ch)).toBe("foo");
    expect(seen).toEqual([0, 1, 2]); // no value taken after the reduced one
    expect(ch.poll()).toBe(3);
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
