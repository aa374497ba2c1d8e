/*
 * map and filter (core.async map<, filter<, remove<), ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { filter, from, into, map } from "@sluice/channels";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests map<", async () => {
    expect(await into(map(from([1, 2, 3, 4]), (x: number) => x + 1))).toEqual([2, 3, 4, 5]);
  });

  it("core.async: ops-tests filter<", async () => {
    const even = (x: number) => x % 2 === 0;
    expect(await into(filter(from([1, 2, 3, 4, 5, 6]), even))).toEqual([2, 4, 6]);
  });

  it("core.async: ops-tests remove<", async () => {
    const even = (x: number) => x % 2 === 0;
    expect(await into(filter(from([1, 2, 3, 4, 5, 6]), (x) => !even(x)))).toEqual([1, 3, 5]);
  });
});
