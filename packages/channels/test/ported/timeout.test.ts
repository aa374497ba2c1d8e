/*
 * timeout, ported: timeout channels close in the order of their delays.
 *
 * Ported from:
 *   clojure/core.async timers_test.clj and the timeout docstring
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { DEFAULT, chan, select, timeout } from "@sluice/channels";
import { within } from "../helpers";

jest.setTimeout(5000);

describe("core.async timers_test.clj", () => {
  it("core.async: timeout-ordering-test", async () => {
    const log: number[] = [];
    const timeoutChannels = [timeout(80), timeout(60), timeout(70), timeout(50)];
    await Promise.all(
      timeoutChannels.map(async (ch, i) => {
        await ch.take();
        log.push(i);
      }),
    );
    // Timeouts close in the order of their delays, not of their creation.
    expect(log).toEqual([3, 1, 2, 0]);
  });
});

describe("core.async timeout docstring", () => {
  it('core.async timeout docstring: "Returns a channel that will close after msecs", in alts!', async () => {
    const never = chan<number>();
    const t = timeout(20);
    expect(await select([never, t], { default: "not yet" })).toMatchObject({
      channel: DEFAULT,
      value: "not yet",
    });
    expect(await within(select([never, t]), 2000, "the timeout")).toMatchObject({
      channel: t,
      value: undefined,
    });
    expect(await t.put(1 as never)).toBe(false);
    expect(never.offer(1)).toBe(false);
  });
});
