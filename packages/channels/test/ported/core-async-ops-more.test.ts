/*
 * core.async's ops-tests for the operators added with transducers (clojure/core.async
 * src/test/clojure/clojure/core/async_test.clj, `ops-tests`: remove<, mapcat<, map, unique,
 * partition, partition-by; `mix` through (a/take 6 out)), translated: `(<!! (a/into [] ch))` →
 * `await into(ch)`, `to-chan!` → `from`, `(a/map + chs)` → `zip(chs)` summed, keywords → strings.
 */
import {
  chan,
  from,
  into,
  map,
  mapcat,
  mix,
  partition,
  partitionBy,
  remove,
  take,
  unique,
  zip,
} from "@sluice/channels";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("core.async async_test.clj ops-tests: the transducer-era operators", () => {
  it("remove<", async () => {
    expect(await into(remove(from([1, 2, 3, 4, 5, 6]), (n: number) => n % 2 === 0))).toEqual([
      1, 3, 5,
    ]);
  });

  it("mapcat<", async () => {
    expect(await into(mapcat(from([1, 2, 3]), range))).toEqual([0, 0, 1, 0, 1, 2]);
  });

  it("map (of several channels): zip, then the function", async () => {
    const chs = [from(range(4)), from(range(4)), from(range(4)), from(range(4))];
    const sums = map(zip(chs), (vs: number[]) => vs.reduce((a, b) => a + b, 0));
    expect(await into(sums)).toEqual([0, 4, 8, 12]);
    expect(await zip([]).take()).toBeUndefined(); // (a/map + []) is closed
  });

  it("mix (through take 6)", async () => {
    const out = chan<number>();
    const mx = mix(out);
    mx.admix(from([1, 2, 3]));
    mx.admix(from([4, 5, 6]));
    expect(new Set(await into(take(6, out)))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });

  it("unique", async () => {
    expect(await into(unique(from([1, 1, 2, 2, 3, 3, 3, 3, 4])))).toEqual([1, 2, 3, 4]);
  });

  it("partition", async () => {
    expect(await into(partition(2, from([1, 2, 2, 3])))).toEqual([
      [1, 2],
      [2, 3],
    ]);
  });

  it("partition-by", async () => {
    const out = partitionBy(
      (v: unknown) => typeof v === "string",
      from(["a", "b", 1, ":2", 3, "c"]),
    );
    // (Clojure's :2 is a keyword, not a string; here it is a string, so it starts a group)
    expect(await into(out)).toEqual([["a", "b"], [1], [":2"], [3], ["c"]]);
    const same = partitionBy((v: unknown) => typeof v === "string", from(["a", "b", 1, 2, 3, "c"]));
    expect(await into(same)).toEqual([["a", "b"], [1, 2, 3], ["c"]]);
  });
});
