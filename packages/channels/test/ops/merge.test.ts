import { chan, from, into, merge } from "@sluice/channels";
import { settle, watch } from "./helpers";

describe("merge", () => {
  it("yields every value of every input, each input in its own order", async () => {
    const a = from([1, 2, 3, 4]);
    const b = from([10, 20, 30]);
    const all = await into(merge([a, b]));
    expect([...all].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 10, 20, 30]);
    expect(all.filter((v) => v < 10)).toEqual([1, 2, 3, 4]);
    expect(all.filter((v) => v >= 10)).toEqual([10, 20, 30]);
  });

  it("closes only once every input has closed", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const out = merge([a, b]);
    a.close();
    const next = watch(out.take());
    await settle();
    expect(next.outcome.state).toBe("pending");
    await b.put(7);
    await settle();
    expect(next.outcome).toEqual({ state: "fulfilled", value: 7 });
    expect(out.closed).toBe(false);
    b.close();
    expect(await out.take()).toBeUndefined();
  });

  it("is closed at once for no inputs", async () => {
    expect(await merge([]).take()).toBeUndefined();
  });

  it("uses the buffer given, and otherwise holds producers to the consumer's pace", async () => {
    const buffered = chan<number>();
    const out = merge([buffered], 2);
    const puts = [1, 2, 3, 4].map((v) => watch(buffered.put(v)));
    await settle();
    // two in the buffer, one held by merge, one waiting on the input
    expect(puts.map((p) => p.outcome.state)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "pending",
    ]);
    buffered.close();
    expect(await into(out)).toEqual([1, 2, 3, 4]);
  });

  it("stops taking from the inputs once its output is closed", async () => {
    const a = chan<number>();
    const out = merge([a]);
    out.close();
    expect(await a.put(1)).toBe(true); // taken, then refused by the output: dropped
    await settle();
    expect(a.offer(2)).toBe(false); // merge left no take waiting on the input
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => merge(chan() as never)).toThrow(/merge: chs must be an array of channels/);
    expect(() => merge([chan(), 3 as never])).toThrow(/merge: chs\[1\] must be a Channel/);
    expect(() => merge([chan()], -1)).toThrow(RangeError);
  });
});
