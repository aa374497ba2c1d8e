import { chan, from, into, onto, sliding } from "@sluice/channels";
import { catchRaised, settle, watch } from "./helpers";

/** A lazy source that records how far it was pulled and whether it was ended early. */
function counting(limit = Infinity) {
  const seen = { pulled: 0, ended: false };
  function* values(): Generator<number> {
    try {
      while (seen.pulled < limit) yield ++seen.pulled;
    } finally {
      seen.ended = true;
    }
  }
  return { seen, values: values() };
}

async function* later(values: number[]): AsyncGenerator<number> {
  for (const v of values) {
    await Promise.resolve();
    yield v;
  }
}

describe("onto", () => {
  it("puts every value, then closes the channel and resolves", async () => {
    const ch = chan<number>();
    const all = into(ch);
    await onto(ch, [1, 2, 3]);
    expect(await all).toEqual([1, 2, 3]);
  });

  it("leaves the channel open with { close: false }, and takes async iterables", async () => {
    const ch = chan<number>(5);
    await onto(ch, later([1, 2]), { close: false });
    expect(ch.closed).toBe(false);
    expect([ch.poll(), ch.poll()]).toEqual([1, 2]);
  });

  it("puts one value at a time, as the channel has room", async () => {
    const ch = chan<number>(1);
    const { seen, values } = counting(5);
    const done = watch(onto(ch, values));
    await settle();
    expect(seen.pulled).toBe(2); // one buffered, one waiting to be put
    expect(await into(ch)).toEqual([1, 2, 3, 4, 5]);
    expect(done.outcome.state).toBe("fulfilled");
  });

  it("ends the iteration early and resolves once the channel refuses a value", async () => {
    const ch = chan<number>();
    const { seen, values } = counting();
    const done = onto(ch, values);
    expect(await ch.take()).toBe(1);
    ch.close();
    expect(await ch.take()).toBe(2); // the put waiting at close is still delivered
    await done;
    expect(seen).toEqual({ pulled: 3, ended: true });
  });

  it("closes the channel and rejects when iterating throws", async () => {
    const boom = new Error("source broke");
    function* broken(): Generator<number> {
      yield 1;
      throw boom;
    }
    const ch = chan<number>(5);
    await expect(onto(ch, broken())).rejects.toBe(boom);
    expect([ch.poll(), ch.closed]).toEqual([1, true]);
  });

  it("refuses an array holding undefined at the call, naming onto and the index; puts nothing", () => {
    const ch = chan<number>(5);
    expect(() => onto(ch, [1, undefined as never, 2])).toThrow(TypeError);
    expect(() => onto(ch, [1, undefined as never, 2])).toThrow(
      /^onto: values\[1\] is undefined, which can't be put on a channel/,
    );
    // eslint-disable-next-line no-sparse-arrays
    expect(() => onto(ch, [1, , 3] as number[])).toThrow(/^onto: values\[1\] is undefined/);
    expect([ch.poll(), ch.closed]).toEqual([undefined, false]);
  });

  it("rejects when a lazy source yields undefined, naming onto and the position; ends it", async () => {
    const seen = { ended: false };
    function* holey(): Generator<number | undefined> {
      try {
        yield 1;
        yield 2;
        yield undefined;
        yield 4;
      } finally {
        seen.ended = true;
      }
    }
    const ch = chan<number>(5);
    await expect(onto(ch, holey() as Iterable<number>)).rejects.toThrow(
      new TypeError(
        "onto: values yielded undefined at position 2 (counting from 0), which can't be put " +
          "on a channel (undefined is what a take returns once the channel is closed): use " +
          "null or a sentinel",
      ),
    );
    expect(seen.ended).toBe(true);
    expect([ch.poll(), ch.poll(), ch.poll(), ch.closed]).toEqual([1, 2, undefined, true]);
    const open = chan<number>(5);
    await expect(onto(open, later([7, undefined as never]), { close: false })).rejects.toThrow(
      /^onto: values yielded undefined at position 1 /,
    );
    expect([open.poll(), open.closed]).toEqual([7, false]);
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => onto({} as never, [1])).toThrow(/onto: ch must be a Channel/);
    expect(() => onto(chan(), 5 as never)).toThrow(
      /onto: values must be an iterable or async iterable, got the number 5/,
    );
    expect(() => onto(chan(), [1], null as never)).toThrow(/onto: opts must be an object/);
    expect(() => onto(chan(), [1], { clsoe: false } as never)).toThrow(
      new TypeError('onto: unknown option "clsoe" (the options are "close")'),
    );
  });
});

describe("from", () => {
  it("yields the values of an array, then closes; the array fills a buffer of its length", async () => {
    const ch = from([1, 2, 3]);
    await settle();
    expect([ch.poll(), ch.poll(), ch.poll(), ch.closed]).toEqual([1, 2, 3, true]);
    expect(await ch.take()).toBeUndefined();
  });

  it("takes any iterable, a string included (one value per character, as to-chan!)", async () => {
    expect(await into(from("abc"))).toEqual(["a", "b", "c"]);
    expect(await into(from(new Set([1, 2])))).toEqual([1, 2]);
    const ch = chan<string>(5);
    await onto(ch, "xy");
    expect(await into(ch)).toEqual(["x", "y"]);
  });

  it("is closed at once for an empty source", async () => {
    expect(await from([]).take()).toBeUndefined();
  });

  it("pulls a lazy source only as it is consumed, and takes async iterables", async () => {
    const { seen, values } = counting(10);
    const ch = from(values);
    await settle();
    expect(seen.pulled).toBe(1); // unbuffered: one value waits for a taker
    expect([await ch.take(), await ch.take()]).toEqual([1, 2]);
    expect(await into(from(later([7, 8])))).toEqual([7, 8]);
  });

  it("uses the buffer given", async () => {
    const ch = from([1, 2, 3, 4], sliding<number>(2));
    await settle();
    expect(await into(ch)).toEqual([3, 4]);
  });

  it("stops pulling once its channel is closed and refuses a value", async () => {
    const { seen, values } = counting();
    const ch = from(values);
    expect(await ch.take()).toBe(1);
    ch.close();
    expect(await into(ch)).toEqual([2]);
    await settle();
    expect(seen).toEqual({ pulled: 3, ended: true });
  });

  it("closes its channel and re-raises when iterating throws", async () => {
    await catchRaised(async (raised) => {
      const boom = new Error("source broke");
      function* broken(): Generator<number> {
        yield 1;
        throw boom;
      }
      expect(await into(from(broken()))).toEqual([1]);
      await settle();
      expect(raised).toEqual([boom]);
    });
  });

  it("refuses an array holding undefined at the call, naming from and the index", () => {
    expect(() => from([1, undefined, 3])).toThrow(TypeError);
    expect(() => from([1, undefined, 3])).toThrow(
      /^from: values\[1\] is undefined, which can't be put on a channel/,
    );
    expect(() => from(new Array<number>(2))).toThrow(/^from: values\[0\] is undefined/);
  });

  it("closes its channel and re-raises when a lazy source yields undefined, naming from and the position", async () => {
    await catchRaised(async (raised) => {
      const seen = { ended: false };
      function* holey(): Generator<number | undefined> {
        try {
          yield 1;
          yield undefined;
          yield 3;
        } finally {
          seen.ended = true;
        }
      }
      expect(await into(from(holey()))).toEqual([1]);
      expect(await into(from(later([5, 6, undefined as never, 8])))).toEqual([5, 6]);
      await settle();
      expect(seen.ended).toBe(true);
      expect(raised).toHaveLength(2);
      expect(raised[0]).toBeInstanceOf(TypeError);
      expect(String(raised[0])).toMatch(
        /^TypeError: from: values yielded undefined at position 1 \(counting from 0\), which can't be put on a channel/,
      );
      expect(String(raised[1])).toMatch(
        /^TypeError: from: values yielded undefined at position 2 /,
      );
    });
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => from(undefined as never)).toThrow(
      /from: values must be an iterable or async iterable, got undefined/,
    );
    expect(() => from([1], 0.5)).toThrow(/from: buffer/);
  });
});
