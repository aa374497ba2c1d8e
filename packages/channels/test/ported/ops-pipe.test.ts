/*
 * pipe, ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { chan, from, into, pipe } from "@sluice/channels";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests pipe", async () => {
    const out = chan<number>();
    pipe(from([1, 2, 3, 4, 5]), out);
    expect(await into(out)).toEqual([1, 2, 3, 4, 5]);
  });
});
