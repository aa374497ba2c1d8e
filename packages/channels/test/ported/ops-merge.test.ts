/*
 * merge, ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { from, into, merge } from "@sluice/channels";
import { range } from "./helpers";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests merge", async () => {
    const all = await into(merge([from(range(4)), from(range(4)), from(range(4)), from(range(4))]));
    const frequencies = new Map<number, number>();
    for (const v of all) frequencies.set(v, (frequencies.get(v) ?? 0) + 1);
    expect([...frequencies].sort()).toEqual([
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
  });
});
