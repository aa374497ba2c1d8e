import { chan, filter, from, into, map } from "@sluice/channels";
import { catchRaised, settle, watch } from "./helpers";

describe.each([
  ["map", <T>(ch: ReturnType<typeof chan<T>>) => map(ch, (v: T) => v)],
  ["filter", <T>(ch: ReturnType<typeof chan<T>>) => filter(ch, () => true)],
])("%s, as a channel stage", (_, stage) => {
  it("closes its output when the input closes", async () => {
    const input = chan<number>();
    const out = stage(input);
    input.close();
    expect(await out.take()).toBeUndefined();
  });

  it("takes the next input only once the output took the last result", async () => {
    const input = chan<number>();
    const out = stage(input);
    await input.put(1);
    const second = watch(input.put(2));
    await settle();
    expect(second.outcome.state).toBe("pending");
    expect(await out.take()).toBe(1);
    expect(await out.take()).toBe(2);
  });

  it("stops taking from its input once its output is closed", async () => {
    const input = chan<number>();
    const out = stage(input);
    out.close();
    expect(await input.put(1)).toBe(true); // taken, refused by the output
    await settle();
    expect(input.offer(2)).toBe(false);
  });
});

describe("map", () => {
  it("yields f of each value in order, skipping undefined results", async () => {
    const out = map(from([1, 2, 3, 4]), (n: number) => (n === 3 ? undefined : `#${n}`));
    expect(await into(out)).toEqual(["#1", "#2", "#4"]);
  });

  it("uses the buffer given", async () => {
    const out = map(from([1, 2]), (n: number) => n * 2, 2);
    await settle();
    expect([out.poll(), out.poll()]).toEqual([2, 4]);
  });

  it("closes its output and re-raises when f throws", async () => {
    await catchRaised(async (raised) => {
      const boom = new Error("f");
      const input = chan<number>(3);
      for (const n of [1, 2, 3]) input.offer(n);
      const out = map(input, (n: number) => {
        if (n === 2) throw boom;
        return n;
      });
      expect(await into(out)).toEqual([1]);
      await settle();
      expect(raised).toEqual([boom]);
      expect(input.poll()).toBe(3);
    });
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => map(1 as never, (n: number) => n)).toThrow(/map: ch must be a Channel/);
    expect(() => map(chan(), {} as never)).toThrow(/map: f must be a function, got an object/);
    expect(() => map(chan<number>(), (n: number) => n, -3)).toThrow(/map: buffer/);
  });
});

describe("filter", () => {
  it("yields the values for which pred is truthy, in order", async () => {
    expect(await into(filter(from([1, 2, 3, 4, 5, 6]), (n: number) => n % 3))).toEqual([
      1, 2, 4, 5,
    ]);
  });

  it("closes its output and re-raises when pred throws", async () => {
    await catchRaised(async (raised) => {
      const boom = new Error("pred");
      const out = filter(from([1]), () => {
        throw boom;
      });
      expect(await out.take()).toBeUndefined();
      await settle();
      expect(raised).toEqual([boom]);
    });
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => filter(chan(), undefined as never)).toThrow(
      /filter: pred must be a function, got undefined/,
    );
    expect(() => filter("ch" as never, Boolean)).toThrow(/filter: ch must be a Channel/);
  });
});
