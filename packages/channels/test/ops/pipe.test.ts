import { chan, into, pipe } from "@sluice/channels";
import { settle, watch } from "./helpers";

describe("pipe", () => {
  it("returns `to`, copies every value in order and closes `to` when `from` closes", async () => {
    const from = chan<number>();
    const to = chan<number>(2);
    expect(pipe(from, to)).toBe(to);
    const all = into(to);
    for (const v of [1, 2, 3]) await from.put(v);
    from.close();
    expect(await all).toEqual([1, 2, 3]);
    expect(to.closed).toBe(true);
  });

  it("leaves `to` open with { close: false }", async () => {
    const from = chan<number>(1);
    const to = chan<number>(1);
    pipe(from, to, { close: false });
    await from.put(1);
    from.close();
    expect(await to.take()).toBe(1);
    await settle();
    expect(to.closed).toBe(false);
    expect(await to.put(2)).toBe(true);
  });

  it("slows the producer to the consumer's pace and drops nothing", async () => {
    const from = chan<number>();
    const to = chan<number>();
    pipe(from, to);
    const puts = [1, 2, 3].map((v) => watch(from.put(v)));
    await settle();
    // pipe holds 1 (waiting on `to`); 2 and 3 wait on `from`.
    expect(puts.map((p) => p.outcome.state)).toEqual(["fulfilled", "pending", "pending"]);
    expect(await to.take()).toBe(1);
    expect(await to.take()).toBe(2);
    expect(await to.take()).toBe(3);
    await settle();
    expect(puts.every((p) => p.outcome.state === "fulfilled")).toBe(true);
  });

  it("stops taking from `from` once `to` refuses a value", async () => {
    const from = chan<number>();
    const to = chan<number>();
    pipe(from, to);
    to.close();
    expect(await from.put(1)).toBe(true); // taken, then refused by `to`: dropped
    await settle();
    expect(from.offer(2)).toBe(false); // no take of pipe's is left waiting on `from`
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => pipe(5 as never, chan())).toThrow(
      /pipe: from must be a Channel, got the number 5/,
    );
    expect(() => pipe(chan(), {} as never)).toThrow(/pipe: to must be a Channel, got an object/);
    expect(() => pipe(chan(), chan(), { close: "no" as never })).toThrow(
      /pipe: opts.close must be a boolean/,
    );
  });
});
