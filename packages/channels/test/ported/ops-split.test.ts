/*
 * split, ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests, and the split docstring
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { dropping, from, into, sliding, split } from "@sluice/channels";
import { within } from "../helpers";
import { range, settle } from "./helpers";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests split", async () => {
    // "Must provide buffers for channels else the tests won't complete"
    const [even, odd] = split((x: number) => x % 2 === 0, from([1, 2, 3, 4, 5, 6]), 5, 5);
    expect(await into(even)).toEqual([2, 4, 6]);
    expect(await into(odd)).toEqual([1, 3, 5]);
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
