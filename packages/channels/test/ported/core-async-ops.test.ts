/*
 * core.async's own operator tests, translated to sluice.
 *
 * Sources (clojure/core.async):
 *   src/test/clojure/clojure/core/async_test.clj   ops-tests (map<, filter<, to-chan, onto-chan,
 *                                                  pipe, split, merge, mult, mix, pub-sub, reduce)
 *   src/test/clojure/clojure/core/pipeline_test.clj (pipeline, pipeline-blocking, pipeline-async)
 *
 * Name map: to-chan! → from, onto-chan! → onto, (a/into [] ch) → into, a/reduce → reduce,
 * map< / filter< / remove< → map / filter (sluice's take one channel), pipeline,
 * pipeline-blocking and pipeline-async → pipeline (fn may be async), (a/take n ch) → n takes.
 *
 * Not translated, and why:
 *   - map>, filter>, remove>, mapcat>: the "write side" stages (a channel you put into that
 *     feeds another). sluice's map/filter only transform a source; the closest, an onto into a
 *     channel whose map/filter stage is read, is what map< and filter< test.
 *   - mapcat<, mapcat>: no one-to-many stage in the API (pipeline's fn yields one value).
 *   - map (multi-channel, (a/map + [c1 c2 c3 c4])) and (a/map + []): sluice's map takes one
 *     channel (API.md); there is no zip of several channels.
 *   - unique, partition, partition-by: deprecated in core.async and not in sluice's API.
 *   - reduce with (reduced :foo): sluice's reduce has no early-termination marker.
 *   - pipeline test-af-multiplier (pipeline-async putting several values per input): sluice's
 *     fn returns one value per input (`undefined` for none).
 *   - pipeline's `close?` given as nil (falsy in Clojure): sluice's `opts.close` must be a
 *     boolean and undefined means the default, true; the `false` case is translated.
 *   - pipeline test-ex-handler: sluice has no ex-handler (decision O1: an error rejects the
 *     promise). Translated to the documented equivalent: catch inside fn and return the
 *     handler's value.
 *   - The transducer argument (xf) of pipeline is a plain function here.
 */
import {
  chan,
  filter,
  from,
  into,
  map,
  merge,
  mix,
  mult,
  onto,
  pipe,
  pipeline,
  pub,
  reduce,
  split,
} from "@sluice/channels";
import { flush } from "../helpers";

jest.setTimeout(5000);

const range = (a: number, b?: number): number[] =>
  b === undefined
    ? Array.from({ length: a }, (_, i) => i)
    : Array.from({ length: b - a }, (_, i) => a + i);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests map<", async () => {
    expect(await into(map(from([1, 2, 3, 4]), (x: number) => x + 1))).toEqual([2, 3, 4, 5]);
  });

  it("core.async: ops-tests filter<", async () => {
    const even = (x: number) => x % 2 === 0;
    expect(await into(filter(from([1, 2, 3, 4, 5, 6]), even))).toEqual([2, 4, 6]);
  });

  it("core.async: ops-tests remove<", async () => {
    const even = (x: number) => x % 2 === 0;
    expect(await into(filter(from([1, 2, 3, 4, 5, 6]), (x) => !even(x)))).toEqual([1, 3, 5]);
  });

  it("core.async: ops-tests to-chan", async () => {
    expect(await into(from(range(10)))).toEqual(range(10));
    // to-chan!! (a lazy seq, not counted): a generator
    expect(await into(from((function* () { yield* range(10); })()))).toEqual(range(10)); // prettier-ignore
  });

  it("core.async: ops-tests onto-chan", async () => {
    const ch = chan<number>(10);
    const done = onto(ch, range(10));
    expect(await into(ch)).toEqual(range(10));
    await done;
  });

  it("core.async: ops-tests pipe", async () => {
    const out = chan<number>();
    pipe(from([1, 2, 3, 4, 5]), out);
    expect(await into(out)).toEqual([1, 2, 3, 4, 5]);
  });

  it("core.async: ops-tests split", async () => {
    // "Must provide buffers for channels else the tests won't complete"
    const [even, odd] = split((x: number) => x % 2 === 0, from([1, 2, 3, 4, 5, 6]), 5, 5);
    expect(await into(even)).toEqual([2, 4, 6]);
    expect(await into(odd)).toEqual([1, 3, 5]);
  });

  it("core.async: ops-tests merge", async () => {
    const all = await into(merge([from(range(4)), from(range(4)), from(range(4)), from(range(4))]));
    const frequencies = new Map<number, number>();
    for (const v of all) frequencies.set(v, (frequencies.get(v) ?? 0) + 1);
    expect([...frequencies].sort()).toEqual([
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
  });

  it("core.async: ops-tests mult", async () => {
    const a = chan<number>(4);
    const b = chan<number>(4);
    const src = chan<number>();
    const m = mult(src);
    m.tap(a);
    m.tap(b);
    pipe(from(range(4)), src);
    expect(await into(a)).toEqual([0, 1, 2, 3]);
    expect(await into(b)).toEqual([0, 1, 2, 3]);
  });

  it("core.async: ops-tests mult (ASYNC-127: a closed tap does not stop the others)", async () => {
    const ch = from([1, 2, 3]);
    const m = mult(ch);
    const t1 = chan<number>();
    const t2 = chan<number>();
    const t3 = chan<number>();
    m.tap(t1);
    m.tap(t2);
    m.tap(t3);
    t3.close();
    expect(await t1.take()).toBe(1);
    await flush();
    expect(t1.poll()).toBeUndefined(); // t2 hasn't taken yet
    expect(await t2.take()).toBe(1);
    expect(await t1.take()).toBe(2); // now available
    await flush();
    expect(t1.poll()).toBeUndefined();
    // finish: drain both so the mult's loop ends
    expect(await t2.take()).toBe(2);
    expect(await Promise.all([into(t1), into(t2)])).toEqual([[3], [3]]);
  });

  it("core.async: ops-tests mix", async () => {
    const out = chan<number>();
    const mx = mix(out);
    mx.admix(from([1, 2, 3]));
    mx.admix(from([4, 5, 6]));
    const got = new Set<number>();
    for (let i = 0; i < 6; i++) got.add((await out.take()) as number);
    expect(got).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    out.close(); // the mix never closes out; closing it ends the mix's loop (O7)
  });

  it("core.async: ops-tests mix (ASYNC-145: more inputs than a channel's pending limit)", async () => {
    const N = 2048;
    const out = chan<number>(2500);
    const mx = mix(out);
    const puts: Promise<boolean>[] = [];
    for (let i = 0; i < N; i++) {
      const c = chan<number>();
      mx.admix(c);
      puts.push(c.put(i));
    }
    const got = new Set<number>();
    for (let i = 0; i < N; i++) got.add((await out.take()) as number);
    expect(got).toEqual(new Set(range(N)));
    expect((await Promise.all(puts)).every((ok) => ok)).toBe(true);
    mx.unmixAll();
    out.close();
  });

  it("core.async: ops-tests pub-sub", async () => {
    const aInts = chan<number | string>(5);
    const aStrs = chan<number | string>(5);
    const bInts = chan<number | string>(5);
    const bStrs = chan<number | string>(5);
    const src = chan<number | string>();
    const p = pub(src, (x) => (typeof x === "string" ? "string" : "int"));
    p.sub("string", aStrs);
    p.sub("string", bStrs);
    p.sub("int", aInts);
    p.sub("int", bInts);
    pipe(from<number | string>([1, "a", 2, "b", 3, "c"]), src);
    expect(await into(aInts)).toEqual([1, 2, 3]);
    expect(await into(bInts)).toEqual([1, 2, 3]);
    expect(await into(aStrs)).toEqual(["a", "b", "c"]);
    expect(await into(bStrs)).toEqual(["a", "b", "c"]);
  });

  it("core.async: ops-tests reduce", async () => {
    const plus = (a: number, b: number) => a + b;
    expect(await reduce(plus, 0, from<number>([]))).toBe(0);
    expect(await reduce(plus, 0, from(range(10)))).toBe(45);
  });
});

describe("core.async pipeline_test.clj", () => {
  /** pipeline-tester: runs the pipeline from (to-chan! inputs) into (chan 1) and collects. */
  async function pipelineTester<T, R>(
    n: number,
    inputs: T[],
    fn: (v: T) => R | Promise<R>,
  ): Promise<R[]> {
    const cin = from(inputs);
    const cout = chan<R>(1);
    const done = pipeline(n, cout, fn, cin);
    const acc: R[] = [];
    for (let v = await cout.take(); v !== undefined; v = await cout.take()) acc.push(v);
    await done;
    return acc;
  }

  const identityAsync = async <T>(v: T): Promise<T> => {
    await flush(); // (thread (>!! ch v) (close! ch)): the result comes later
    return v;
  };

  it.each([
    [1, 0],
    [1, 10],
    [10, 10],
    [20, 10],
    [5, 1000],
  ])("core.async: test-sizes (n %i, size %i)", async (n, size) => {
    const r = range(size);
    expect(await pipelineTester(n, r, (x: number) => x)).toEqual(r); // pipeline
    expect(await pipelineTester(n, r, identityAsync)).toEqual(r); // pipeline-async
  });

  it("core.async: test-close? (true)", async () => {
    const cout = chan<number | string>(1);
    void pipeline(5, cout, (x: number) => x, from([1]), { close: true });
    expect(await cout.take()).toBe(1);
    expect(await cout.take()).toBeUndefined();
  });

  it("core.async: test-close? (false)", async () => {
    const cout = chan<number | string>(1);
    const done = pipeline(5, cout, (x: number | string) => x, from<number | string>([1]), {
      close: false,
    });
    expect(await cout.take()).toBe(1);
    await done;
    expect(await cout.put("more")).toBe(true);
    expect(await cout.take()).toBe("more");
    cout.close();
  });

  it("core.async: test-ex-handler (as a catch inside fn, decision O1)", async () => {
    const cout = chan<number | string>(1);
    const chex = chan<Error>(1);
    const exMapping = (x: number) => {
      if (x === 3) throw Object.assign(new Error("err"), { data: x });
      return x;
    };
    const exHandler = (e: Error) => {
      chex.offer(e);
      return "err";
    };
    const withHandler = (x: number) => {
      try {
        return exMapping(x);
      } catch (e) {
        return exHandler(e as Error);
      }
    };
    void pipeline(5, cout, withHandler, from([1, 2, 3, 4]), { close: true });
    expect(await cout.take()).toBe(1);
    expect(await cout.take()).toBe(2);
    expect(await cout.take()).toBe("err");
    expect(await cout.take()).toBe(4);
    expect(((await chex.take()) as Error & { data: number }).data).toBe(3);
  });

  it("core.async: test-ex-handler, sluice's own form (an error in fn rejects pipeline)", async () => {
    const cout = chan<number>(1);
    const done = pipeline(
      5,
      cout,
      (x: number) => {
        if (x === 3) throw new Error("err");
        return x;
      },
      from([1, 2, 3, 4]),
    );
    // The results before the failing input are delivered (cout holds 1), then cout closes.
    const [outcome, got] = await Promise.allSettled([done, into(cout)]);
    expect(outcome).toMatchObject({ status: "rejected", reason: { message: "err" } });
    expect(got).toEqual({ status: "fulfilled", value: [1, 2] });
  });

  it("core.async: test-blocking (results keep input order whatever each call takes)", async () => {
    const times = [40, 1, 20, 2]; // scaled down from [2000 50 1000 100] ms
    const sleepMapping = async (ms: number) => {
      await sleep(ms);
      return ms;
    };
    expect(await pipelineTester(2, times, sleepMapping)).toEqual(times);
  });

  it("core.async: test-compute", async () => {
    const slowFib = (n: number): number => (n < 2 ? n : slowFib(n - 1) + slowFib(n - 2));
    const cycle = range(15, 24); // scaled down from (cycle (range 15 38))
    const input = range(50).map((i) => cycle[i % cycle.length] as number);
    const out = await pipelineTester(8, input, slowFib);
    expect(out).toHaveLength(50);
    expect(out[49]).toBe(slowFib(input[49] as number));
  });

  it("core.async: test-async", async () => {
    expect(
      await pipelineTester(1, range(100), async (v: number) => {
        await flush();
        return v + 1;
      }),
    ).toEqual(range(1, 101));
  });
});
