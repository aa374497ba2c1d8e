/*
 * core.async's tests of chan with a transducer (clojure/core.async
 * src/test/clojure/clojure/core/async_test.clj: xerox, check-expanding-transducer,
 * expanding-transducer-delivers-to-multiple-pending, expanding-transducer-puts-can-ignore-buffer-
 * fullness, test-transduce), translated: `>!!` → `await put`, `<!!` → `await take`, `take!` with
 * a callback → a take whose promise is watched, `offer!` answering nil → `offer` answering false,
 * a blocking put in a future → a put whose promise stays pending, Clojure's transducers → the
 * same written on the JS protocol.
 */
import { chan, onto, transduce } from "@sluice/channels";
import { flush, watch } from "../helpers";

type Xf = any;

/** core.async's xerox: a transducer yielding n copies of each input value. */
function xerox(n: number) {
  return (xf: Xf) => ({
    "@@transducer/step": (acc: unknown, input: unknown) => {
      let res = acc;
      for (let i = n; i > 0; i--) {
        const a = xf["@@transducer/step"](acc, input);
        if (a !== null && typeof a === "object" && a["@@transducer/reduced"] === true) return a;
        res = a;
      }
      return res;
    },
    "@@transducer/result": (acc: unknown) => xf["@@transducer/result"](acc),
  });
}

/** Clojure's (mapcat identity). */
const catting = (xf: Xf) => ({
  "@@transducer/step": (acc: unknown, coll: unknown[]) => {
    let res = acc;
    for (const v of coll) res = xf["@@transducer/step"](res, v);
    return res;
  },
  "@@transducer/result": (acc: unknown) => xf["@@transducer/result"](acc),
});

/** core.async's `mapping` (in 1.7+, (map f)). */
const mapping = (f: (v: any) => unknown) => (xf: Xf) => ({
  "@@transducer/step": (acc: unknown, input: unknown) => xf["@@transducer/step"](acc, f(input)),
  "@@transducer/result": (acc: unknown) => xf["@@transducer/result"](acc),
});

async function checkExpandingTransducer(
  bufferSize: number,
  inputs: number,
  multiplier: number,
  takers: number,
) {
  const input = Array.from({ length: inputs }, (_, i) => i);
  const expected = input.flatMap((v) => Array<number>(multiplier).fill(v)); // interleave of copies
  const c = chan<number>(bufferSize, xerox(multiplier));
  const res: number[] = [];
  const takes = Array.from({ length: takers }, () =>
    c.take().then((v) => {
      if (v !== undefined) res.push(v);
    }),
  );
  const putting = onto(c, input);
  await Promise.all(takes);
  expect([...res].sort()).toEqual(expected.slice(0, takers).sort());
  // (what is left in c is drained so onto can finish)
  for await (const _ of c);
  await putting;
}

describe("core.async async_test.clj: channels with a transducer", () => {
  it("expanding-transducer-delivers-to-multiple-pending (buffers 1..9, takers 1..9)", async () => {
    for (let b = 1; b < 10; b++) {
      for (let t = 1; t < 10; t++) await checkExpandingTransducer(b, 3, 3, t);
    }
  });

  it("expanding-transducer-puts-can-ignore-buffer-fullness: non-blocking puts behave as expected", async () => {
    const c = chan<any>(1, catting);
    expect(await c.put([1, 2, 3])).toBe(true);
    expect(await c.take()).toBe(1);
    expect(c.offer([4, 5, 6])).toBe(false);
    expect(await c.take()).toBe(2);
    expect(await c.take()).toBe(3);
    expect(c.offer([4, 5, 6])).toBe(true);
  });

  it("expanding-transducer-puts-can-ignore-buffer-fullness: blocking puts can execute during takes even when the buffer is full", async () => {
    const c = chan<any>(1, catting);
    expect(await c.put([1, 2, 3])).toBe(true);
    expect(await c.take()).toBe(1);
    expect(c.offer([4, 5, 6])).toBe(false);
    const blockingPut = watch(c.put([4, 5, 6]));
    await flush();
    expect(blockingPut.outcome.state).toBe("pending");
    expect(await c.take()).toBe(2);
    // don't allow puts, buffer still full
    await flush();
    expect(blockingPut.outcome.state).toBe("pending");
    expect(c.offer([7, 8, 9])).toBe(false);
    // (the put gets in once the buffer has room, through the step)
    expect(await c.take()).toBe(3);
    await flush();
    expect(blockingPut.outcome).toEqual({ state: "fulfilled", value: true });
    expect([c.poll(), c.poll(), c.poll()]).toEqual([4, 5, 6]);
  });

  it("test-transduce", async () => {
    const conj = (acc: number[], v: number) => [...acc, v];
    const c = chan<number>(5);
    void onto(c, [0, 1, 2, 3, 4]);
    expect(
      await transduce(
        mapping((n: number) => n + 1),
        conj,
        [],
        c,
      ),
    ).toEqual([1, 2, 3, 4, 5]);
  });
});
