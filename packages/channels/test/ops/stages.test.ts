// take, partition, partitionBy, mapcat, remove, unique, zip: the channel stages added with
// transducers (core.async's own cases are ported in test/ported/core-async-ops-more.test.ts).
import {
  Channel,
  chan,
  from,
  into,
  mapcat,
  partition,
  partitionBy,
  remove,
  take,
  unique,
  zip,
} from "@sluice/channels";
import { catchRaised, settle, watch } from "./helpers";

describe.each([
  ["take", (ch: Channel<number>) => take(10, ch)],
  ["partition", (ch: Channel<number>) => partition(1, ch)],
  ["partitionBy", (ch: Channel<number>) => partitionBy((n: number) => n, ch)],
  ["mapcat", (ch: Channel<number>) => mapcat(ch, (n: number) => [n])],
  ["remove", (ch: Channel<number>) => remove(ch, () => false)],
  ["unique", (ch: Channel<number>) => unique(ch)],
  ["zip", (ch: Channel<number>) => zip([ch])],
])("%s, as a channel stage", (_, stage) => {
  it("closes its output when the input closes", async () => {
    const input = chan<number>();
    const out: Channel<unknown> = stage(input);
    input.close();
    expect(await out.take()).toBeUndefined();
  });

  it("stops taking from its input once its output is closed", async () => {
    const input = chan<number>();
    const out: Channel<unknown> = stage(input);
    out.close();
    await input.put(1); // taken, then refused by the output (partitionBy holds it: a group)
    await settle();
    input.offer(2); // partitionBy takes it, and its put of [1] is refused
    await settle();
    expect(input.offer(3)).toBe(false); // nobody takes any more
  });
});

describe("take", () => {
  it("passes the first n values, then closes, leaving the rest in the input", async () => {
    const input = from([1, 2, 3, 4, 5]);
    expect(await into(take(3, input))).toEqual([1, 2, 3]);
    expect(await into(input)).toEqual([4, 5]);
  });

  it("closes early when the input closes first; take(0) is closed at once", async () => {
    expect(await into(take(5, from([1, 2])))).toEqual([1, 2]);
    const input = chan<number>();
    const none = take(0, input);
    expect(await none.take()).toBeUndefined();
    expect(input.offer(1)).toBe(false);
  });

  it("refuses a count that is not a whole number ≥ 0", () => {
    expect(() => take(-1, chan())).toThrow(
      new RangeError("take: n must be a whole number of at least 0, got -1"),
    );
    expect(() => take(1.5, chan())).toThrow(RangeError);
    expect(() => take("3" as never, chan())).toThrow(
      new TypeError('take: n must be a number, got the string "3"'),
    );
    expect(() => take(1, {} as never)).toThrow(/take: ch must be a Channel/);
  });
});

describe("partition", () => {
  it("groups n values at a time and emits the last, shorter group", async () => {
    expect(await into(partition(3, from([1, 2, 3, 4, 5, 6, 7])))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7],
    ]);
    expect(await into(partition(2, from([1, 2, 3, 4])))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await into(partition(2, from([])))).toEqual([]);
  });

  it("puts a group only once it is complete", async () => {
    const input = chan<number>();
    const out = partition(2, input);
    await input.put(1);
    const first = watch(out.take());
    await settle();
    expect(first.outcome.state).toBe("pending");
    await input.put(2);
    await settle();
    expect(first.outcome).toEqual({ state: "fulfilled", value: [1, 2] });
  });

  it("refuses n < 1", () => {
    expect(() => partition(0, chan())).toThrow(RangeError);
  });
});

describe("partitionBy", () => {
  it("starts a new group whenever f's result changes (Object.is)", async () => {
    const out = partitionBy((n: number) => Math.sign(n), from([1, 2, -1, -5, 0, -0, 3]));
    expect(await into(out)).toEqual([[1, 2], [-1, -5], [0], [-0], [3]]);
  });

  it("a NaN key equals itself", async () => {
    const out = partitionBy(() => NaN, from([1, 2]));
    expect(await into(out)).toEqual([[1, 2]]);
  });

  it("closes its output and re-raises when f throws", async () => {
    await catchRaised(async (raised) => {
      const boom = new Error("f");
      const out = partitionBy(
        (n: number) => {
          if (n === 3) throw boom;
          return n < 2;
        },
        from([1, 2, 3, 4]),
      );
      expect(await into(out)).toEqual([[1]]); // the group [2] was never complete
      await settle();
      expect(raised).toEqual([boom]);
    });
  });
});

describe("mapcat", () => {
  it("emits every item f returns, none for an empty one", async () => {
    const out = mapcat(from([0, 1, 2, 3]), (n: number) => Array.from({ length: n }, (_, i) => i));
    expect(await into(out)).toEqual([0, 0, 1, 0, 1, 2]);
  });

  it("takes any iterable, and skips undefined items", async () => {
    const out = mapcat(from(["ab", "c"]), (s: string) => new Set([...s, undefined]));
    expect(await into(out)).toEqual(["a", "b", "c"]);
  });

  it("closes its output and re-raises when f returns something not iterable", async () => {
    await catchRaised(async (raised) => {
      const out = mapcat(from([1]), () => 42 as never);
      expect(await into(out)).toEqual([]);
      await settle();
      expect(String(raised[0])).toMatch(/mapcat: f must return an iterable .*got the number 42/);
    });
  });
});

describe("remove", () => {
  it("keeps the values for which pred is falsy", async () => {
    expect(await into(remove(from([1, 2, 3, 4, 5, 6]), (n: number) => n % 2 === 0))).toEqual([
      1, 3, 5,
    ]);
  });
});

describe("unique", () => {
  it("drops consecutive duplicates only (Object.is)", async () => {
    const values = [1, 1, 2, 2, 3, 3, 3, 3, 4, 1, NaN, NaN, 0, -0, null, null];
    expect(await into(unique(from(values)))).toEqual([1, 2, 3, 4, 1, NaN, 0, -0, null]);
  });
});

describe("zip", () => {
  it("takes one value from each input per round, in the inputs' order", async () => {
    const out = zip([from([1, 2, 3]), from(["a", "b", "c"])]);
    const rounds: Array<[number, string]> = await into(out);
    expect(rounds).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
  });

  it("takes from all inputs at once, so a slow input does not hold up the takes of the others", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const out = zip([a, b]);
    const putB = watch(b.put(20)); // b is ready first
    await settle();
    expect(putB.outcome).toEqual({ state: "fulfilled", value: true });
    await a.put(10);
    expect(await out.take()).toEqual([10, 20]);
  });

  it("closes when any input closes, dropping that round and withdrawing its other takes", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const c = chan<number>();
    const out = zip([a, b, c]);
    await a.put(1); // taken for round 1
    b.close();
    expect(await out.take()).toBeUndefined();
    await settle();
    expect(c.offer(3)).toBe(false); // c's take of that round was withdrawn: nothing consumed
    expect(a.offer(2)).toBe(false); // and no new round was started
  });

  it("zip([]) is closed at once", async () => {
    expect(await zip([]).take()).toBeUndefined();
  });

  it("refuses what is not an array of channels", () => {
    expect(() => zip("ab" as never)).toThrow(
      /zip: chs must be an array of channels, got the string/,
    );
    expect(() => zip([chan(), 3 as never])).toThrow(
      /zip: chs\[1\] must be a Channel, got the number 3/,
    );
  });
});
