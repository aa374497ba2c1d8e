import { chan, from, into, split } from "@sluice/channels";
import { catchRaised, settle, watch } from "./helpers";

const even = (n: number): boolean => n % 2 === 0;

describe("split", () => {
  it("sends values passing pred to the first channel, the rest to the second, and closes both", async () => {
    const [evens, odds] = split(even, from([1, 2, 3, 4, 5]), 5, 5);
    expect(await Promise.all([into(evens), into(odds)])).toEqual([
      [2, 4],
      [1, 3, 5],
    ]);
    expect([evens.closed, odds.closed]).toEqual([true, true]);
  });

  it("holds the source while the channel a value is meant for is not read", async () => {
    const source = chan<number>();
    const [evens, odds] = split(even, source);
    await source.put(1); // taken by split, which now waits on `odds`
    const second = watch(source.put(2));
    await settle();
    expect(second.outcome.state).toBe("pending");
    expect(evens.poll()).toBeUndefined();
    expect(await odds.take()).toBe(1);
    expect(await evens.take()).toBe(2);
  });

  it("stops, closing the other channel, once the one a value is meant for refuses it", async () => {
    const source = chan<number>();
    const [evens, odds] = split(even, source);
    odds.close();
    expect(await source.put(1)).toBe(true); // taken, refused by `odds`: dropped
    await settle();
    expect(evens.closed).toBe(true);
    expect(source.offer(2)).toBe(false); // split left no take waiting
  });

  it("re-raises an error of pred and closes both channels", async () => {
    await catchRaised(async (raised) => {
      const boom = new Error("pred");
      const [a, b] = split(
        () => {
          throw boom;
        },
        from([1]),
      );
      expect(await a.take()).toBeUndefined();
      expect(b.closed).toBe(true);
      await settle();
      expect(raised).toEqual([boom]);
    });
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => split(true as never, chan())).toThrow(/split: pred must be a function/);
    expect(() => split(even, [] as never)).toThrow(/split: ch must be a Channel/);
    expect(() => split(even, chan(), 1.5)).toThrow(/split: tBuf/);
    expect(() => split(even, chan(), 1, "x" as never)).toThrow(/split: fBuf/);
  });
});
