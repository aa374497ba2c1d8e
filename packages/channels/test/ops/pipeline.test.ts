import fc from "fast-check";
import { chan, from, into, pipeline } from "@sluice/channels";
import { settle, sleep, watch } from "./helpers";

describe("pipeline", () => {
  it("delivers results in input order although the calls finish in reverse", async () => {
    const to = chan<string>();
    const all = into(to);
    const done = pipeline(
      4,
      to,
      async (v: number) => (await sleep(8 - v * 2), `r${v}`),
      from([1, 2, 3, 4]),
    );
    await done;
    expect(await all).toEqual(["r1", "r2", "r3", "r4"]);
    expect(to.closed).toBe(true);
  });

  it("keeps at most n calls in flight and reaches n", async () => {
    let running = 0;
    let most = 0;
    const to = chan<number>(100);
    await pipeline(
      3,
      to,
      async (v: number) => {
        most = Math.max(most, ++running);
        await sleep(1);
        running--;
        return v;
      },
      from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    );
    expect(most).toBe(3);
    expect(await into(to)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("takes sync functions, and emits nothing for an undefined result", async () => {
    const to = chan<number>();
    const all = into(to);
    await pipeline(2, to, (v: number) => (v % 2 === 1 ? v * 10 : undefined), from([1, 2, 3, 4, 5]));
    expect(await all).toEqual([10, 30, 50]);
  });

  it("leaves `to` open with { close: false }", async () => {
    const to = chan<number>(5);
    await pipeline(1, to, (v: number) => v, from([1, 2]), { close: false });
    expect(to.closed).toBe(false);
    expect([to.poll(), to.poll()]).toEqual([1, 2]);
  });

  it("takes from `from` only n values ahead of a slow consumer, and drops nothing", async () => {
    const source = chan<number>();
    const to = chan<number>();
    const done = pipeline(2, to, (v: number) => v, source);
    const puts = [1, 2, 3, 4].map((v) => watch(source.put(v)));
    await settle();
    expect(puts.map((p) => p.outcome.state)).toEqual([
      "fulfilled",
      "fulfilled",
      "pending",
      "pending",
    ]);
    source.close();
    expect(await into(to)).toEqual([1, 2, 3, 4]);
    await done;
  });

  describe("when fn fails", () => {
    it.each([
      [
        "throws",
        (v: number) => {
          if (v === 3) throw new Error("bad 3");
          return v;
        },
      ],
      [
        "rejects",
        async (v: number) => {
          if (v === 3) throw new Error("bad 3");
          return v;
        },
      ],
    ])("(%s) delivers what came before, closes `to`, rejects, and stops taking", async (_, fn) => {
      const source = chan<number>(10);
      for (let v = 1; v <= 6; v++) source.offer(v);
      const to = chan<number>();
      const all = into(to);
      await expect(pipeline(1, to, fn, source)).rejects.toThrow("bad 3");
      expect(await all).toEqual([1, 2]);
      expect(source.poll()).toBe(4); // untouched: nothing after the failing input was taken
    });

    it("stops taking at the failure, not when the slower calls before it finish", async () => {
      const source = chan<number>(10);
      for (let v = 1; v <= 6; v++) source.offer(v);
      const called: number[] = [];
      let release!: () => void;
      const first = new Promise<void>((resolve) => (release = resolve));
      const fn = async (v: number): Promise<number> => {
        called.push(v);
        if (v === 1) await first; // input 1 holds its slot until released
        if (v === 2) throw new Error("bad 2");
        return v;
      };
      const to = chan<number>(10);
      const done = watch(pipeline(3, to, fn, source));
      await settle();
      expect(called).toEqual([1, 2, 3]); // three slots; 2 failed meanwhile
      release(); // input 1 finishes: its slot frees, but nothing more may be taken
      await settle();
      expect(done.outcome.state).toBe("rejected");
      expect(called).toEqual([1, 2, 3]);
      expect(source.poll()).toBe(4);
      expect(await into(to)).toEqual([1]); // what came before the failure is delivered
    });

    it("with { close: false } rejects and leaves `to` open", async () => {
      const to = chan<number>(5);
      const fail = (): never => {
        throw new RangeError("nope");
      };
      await expect(pipeline(2, to, fail, from([1]), { close: false })).rejects.toThrow(RangeError);
      expect(to.closed).toBe(false);
    });

    it("settles only after the calls already started have settled", async () => {
      let finished = 0;
      const fn = async (v: number): Promise<number> => {
        if (v === 1) throw new Error("first");
        await sleep(5);
        finished++;
        return v;
      };
      await expect(pipeline(3, chan<number>(5), fn, from([1, 2, 3]))).rejects.toThrow("first");
      expect(finished).toBe(2);
    });
  });

  it("stops taking from `from` once `to` refuses, and resolves", async () => {
    const source = chan<number>();
    const to = chan<number>();
    const done = watch(pipeline(2, to, (v: number) => v, source));
    to.close();
    await source.put(1); // taken and refused by `to`
    await settle();
    expect(done.outcome.state).toBe("fulfilled");
    expect(source.offer(2)).toBe(false); // no take of the pipeline is left waiting
  });

  it("refuses bad arguments at the call, naming them", () => {
    const id = (v: number): number => v;
    expect(() => pipeline(0, chan(), id, chan())).toThrow(RangeError);
    expect(() => pipeline(1.5, chan(), id, chan())).toThrow(/pipeline: n \(calls in flight\)/);
    expect(() => pipeline("2" as never, chan(), id, chan())).toThrow(
      'pipeline: n must be a number (calls in flight), got the string "2"',
    );
    expect(() => pipeline("2" as never, chan(), id, chan())).toThrow(TypeError);
    expect(() => pipeline(1, [] as never, id, chan())).toThrow(
      /pipeline: to must be a Channel, got an array/,
    );
    expect(() => pipeline(1, chan(), "f" as never, chan())).toThrow(
      /pipeline: fn must be a function/,
    );
    expect(() => pipeline(1, chan(), id, null as never)).toThrow(
      /pipeline: from must be a Channel, got null/,
    );
  });

  it("keeps input order and the bound on calls in flight for any delays (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({
            value: fc.option(fc.integer(), { nil: undefined }),
            delay: fc.integer({ min: 0, max: 3 }),
          }),
          {
            maxLength: 20,
          },
        ),
        async (n, items) => {
          let running = 0;
          let most = 0;
          const to = chan<number>();
          const all = into(to);
          const fn = async (i: number): Promise<number | undefined> => {
            most = Math.max(most, ++running);
            const item = items[i]!;
            // delay 0 finishes in a microtask, the others on a real timer of 1-3 ms
            await (item.delay === 0 ? Promise.resolve() : sleep(item.delay));
            running--;
            return item.value;
          };
          await pipeline(n, to, fn, from(items.map((_, i) => i)));
          expect(await all).toEqual(items.map((item) => item.value).filter((v) => v !== undefined));
          expect(most).toBeLessThanOrEqual(n);
        },
      ),
      { numRuns: 40 },
    );
  });
});
