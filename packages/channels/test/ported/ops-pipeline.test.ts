/*
 * pipeline (core.async pipeline, pipeline-blocking, pipeline-async), ported.
 *
 * Ported from:
 *   clojure/core.async pipeline_test.clj
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { chan, from, into, pipeline } from "@sluice/channels";
import { flush } from "../helpers";
import { range, sleep } from "./helpers";

jest.setTimeout(5000);

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
