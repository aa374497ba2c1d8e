// pipeline's second round: several values per input, transducers, and exHandler.
import * as R from "ramda";
import * as t from "transducers-js";
import { type PipelineOptions, chan, from, into, pipeline } from "@sluice/channels";
import { settle, sleep } from "./helpers";

// (loosely typed: what is checked here is what comes out; the typing is checked below)
async function run(
  n: number,
  fn: any,
  values: any[],
  opts?: PipelineOptions<any>,
): Promise<{ out: unknown[]; done: PromiseSettledResult<void> }> {
  const to = chan<unknown>();
  const all = into(to);
  const [done, out] = await Promise.allSettled([pipeline(n, to, fn, from(values), opts), all]);
  return { out: (out as PromiseFulfilledResult<unknown[]>).value, done };
}

// Compiled, never run: transducers of both libraries and multi-value functions type-check.
function typed(): void {
  void pipeline(
    2,
    chan<number>(),
    t.map((v: number) => v + 1),
    from([1]),
  );
  void pipeline(
    2,
    chan<number>(),
    R.map((v: number) => v + 1),
    from([1]),
  );
  void pipeline(2, chan<number>(), async (v: number) => [v, v], from([1]));
  void pipeline(2, chan<string>(), (v: number) => (v > 0 ? String(v) : undefined), from([1]), {
    exHandler: () => "failed",
  });
}
void typed;

describe("pipeline: several values per input (pipeline-async's several puts)", () => {
  it("emits each value of an array, in input order, whatever order the calls finish in", async () => {
    const { out } = await run(
      3,
      async (v: number) => (await sleep(6 - v * 2), [v, v * 10]),
      [1, 2, 3],
    );
    expect(out).toEqual([1, 10, 2, 20, 3, 30]);
  });

  it("emits each value of an async iterable, and nothing for an empty array", async () => {
    async function* twice(v: number) {
      yield v;
      await sleep(1);
      yield -v;
    }
    const { out } = await run(2, (v: number) => (v === 2 ? [] : twice(v)), [1, 2, 3]);
    expect(out).toEqual([1, -1, 3, -3]);
  });

  it("emits an array as one value when it is wrapped: [array]", async () => {
    const { out } = await run(2, (v: number) => [[v, v]], [1, 2]);
    expect(out).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it("ends an async iterable early (its finally runs) when `to` refuses a value", async () => {
    let finished = false;
    async function* many() {
      try {
        for (let i = 1; ; i++) yield i;
      } finally {
        finished = true;
      }
    }
    const to = chan<number>();
    const done = pipeline(1, to, () => many(), from([0]));
    expect(await to.take()).toBe(1);
    to.close();
    await done;
    expect(finished).toBe(true);
  });
});

describe("pipeline with a transducer (core.async pipeline with an xform)", () => {
  it("runs each input through transducers-js's transducer on its own", async () => {
    const xf = t.comp(
      t.mapcat((v: number) => [v, v, v]),
      t.partitionAll(2),
    );
    // each input alone: [v, v], [v] (the completion step flushes per input)
    const { out } = await run(2, xf, [1, 2]);
    expect(out).toEqual([[1, 1], [1], [2, 2], [2]]);
  });

  it("takes ramda's transducers", async () => {
    const { out } = await run(
      2,
      R.filter((v: number) => v % 2 === 1),
      [1, 2, 3, 4, 5],
    );
    expect(out).toEqual([1, 3, 5]);
  });

  it("opts.xform says what the function is, so it is never probed", async () => {
    const seen: unknown[] = [];
    const log = (v: unknown) => (seen.push(v), v);
    const { out } = await run(1, log, [1, 2], { xform: false });
    expect(out).toEqual([1, 2]);
    expect(seen).toEqual([1, 2]);
    expect(() => pipeline(1, chan(), log, chan(), { xform: "yes" as never })).toThrow(
      /pipeline: opts.xform must be a boolean/,
    );
    expect(() => pipeline(1, chan(), log, chan(), { exhandler: log } as never)).toThrow(
      new TypeError(
        'pipeline: unknown option "exhandler" (the options are "close", "exHandler", "xform")',
      ),
    );
  });

  it("a function that copies its input is a function, not a transducer", async () => {
    const copy = (o: object) => ({ ...o, seen: true });
    const { out } = await run(1, copy, [{ id: 1 }, { id: 2 }]);
    expect(out).toEqual([
      { id: 1, seen: true },
      { id: 2, seen: true },
    ]);
    const assign = (o: object) => Object.assign({}, o, { seen: 1 });
    expect((await run(1, assign, [{ id: 3 }])).out).toEqual([{ id: 3, seen: 1 }]);
  });

  it("an async function is never probed", async () => {
    const seen: unknown[] = [];
    const { out } = await run(1, async (v: number) => (seen.push(v), v + 1), [1]);
    expect(out).toEqual([2]);
    expect(seen).toEqual([1]);
  });
});

describe("pipeline's exHandler", () => {
  const failOn3 = (x: number) => {
    if (x === 3) throw Object.assign(new Error("err"), { data: x });
    return x;
  };

  it("core.async test-ex-handler: the handler's value replaces the failed input's, and the pipeline goes on", async () => {
    const errors: unknown[] = [];
    const { out, done } = await run(5, failOn3, [1, 2, 3, 4], {
      exHandler: (e) => (errors.push(e), "err" as never),
    });
    expect(out).toEqual([1, 2, "err", 4]);
    expect(done.status).toBe("fulfilled");
    expect((errors[0] as { data: number }).data).toBe(3);
  });

  it("an undefined result emits nothing for that input", async () => {
    const { out } = await run(2, async (x: number) => failOn3(x), [1, 3, 4], {
      exHandler: () => undefined,
    });
    expect(out).toEqual([1, 4]);
  });

  it("handles the failure of a transducer, and of an async iterable", async () => {
    const xf = t.map(failOn3);
    expect((await run(2, xf, [1, 3], { exHandler: () => 0 })).out).toEqual([1, 0]);
    async function* broken() {
      yield 1;
      throw new Error("mid-way");
    }
    expect((await run(1, () => broken(), [9], { exHandler: () => -1 })).out).toEqual([1, -1]);
  });

  it("a handler that throws stops the pipeline and rejects with its error", async () => {
    const { out, done } = await run(1, failOn3, [1, 3, 4], {
      exHandler: () => {
        throw new Error("handler");
      },
    });
    expect(out).toEqual([1]);
    expect(done).toMatchObject({ status: "rejected", reason: { message: "handler" } });
    await settle();
  });

  it("must be a function", () => {
    expect(() => pipeline(1, chan(), (v: number) => v, chan(), { exHandler: 1 as never })).toThrow(
      /pipeline: opts.exHandler must be a function, got the number 1/,
    );
  });
});
