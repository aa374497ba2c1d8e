import { chan, from, into, reduce, type Reduced } from "@sluice/channels";
import { settle, watch } from "./helpers";

describe("reduce", () => {
  it("folds every value with f from init, once the channel closes", async () => {
    const source = chan<number>();
    const total = watch(reduce((sum, n: number) => sum + n, 100, source));
    for (const n of [1, 2, 3]) await source.put(n);
    await settle();
    expect(total.outcome.state).toBe("pending"); // nothing before close
    source.close();
    await settle();
    expect(total.outcome).toEqual({ state: "fulfilled", value: 106 });
  });

  it("resolves init without calling f when the channel closes empty", async () => {
    const f = jest.fn();
    expect(await reduce(f, "init", from([]))).toBe("init");
    expect(f).not.toHaveBeenCalled();
  });

  it("waits for an async f before taking the next value", async () => {
    const source = chan<number>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const result = reduce(
      async (acc: number[], n: number) => (n === 1 ? await gate : undefined, [...acc, n]),
      [],
      source,
    );
    await source.put(1);
    const second = watch(source.put(2));
    await settle();
    expect(second.outcome.state).toBe("pending");
    release();
    await settle();
    expect(second.outcome.state).toBe("fulfilled");
    source.close();
    expect(await result).toEqual([1, 2]);
  });

  it("ends early at a reduced value, typed as the docs write it", async () => {
    const source = from([1, 2, 3, 4]);
    const reduced = (v: number): Reduced<number> => ({
      "@@transducer/reduced": true,
      "@@transducer/value": v,
    });
    const upTo3 = (sum: number, n: number) => (sum + n >= 3 ? reduced(sum + n) : sum + n);
    expect(await reduce(upTo3, 0, source)).toBe(3);
    expect(await source.take()).toBe(3); // nothing taken after the reduced one
  });

  it("rejects with the error of f and takes nothing more", async () => {
    const source = chan<number>(5);
    for (const n of [1, 2, 3]) source.offer(n);
    const boom = new Error("odd sum");
    const fold = (sum: number, n: number): number => {
      if (n === 2) throw boom;
      return sum + n;
    };
    await expect(reduce(fold, 0, source)).rejects.toBe(boom);
    expect(source.poll()).toBe(3);
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => reduce(null as never, 0, chan())).toThrow(
      /reduce: f must be a function, got null/,
    );
    expect(() => reduce((a) => a, 0, 1 as never)).toThrow(/reduce: ch must be a Channel/);
  });
});

describe("into", () => {
  it("collects every value in order once the channel closes", async () => {
    expect(await into(from(["a", "b", "c"]))).toEqual(["a", "b", "c"]);
    expect(await into(from([]))).toEqual([]);
  });

  it("refuses a non-channel at the call", () => {
    expect(() => into([1, 2] as never)).toThrow(/into: ch must be a Channel, got an array/);
  });
});
