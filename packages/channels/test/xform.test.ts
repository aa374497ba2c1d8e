// chan(buffer, xform, exHandler): a channel whose values pass through a transducer, with
// transducers-js's and ramda's transducers as they are (core.async's own cases are ported in
// test/ported/core-async-xform.test.ts).
import * as R from "ramda";
import * as t from "transducers-js";
import { Channel, chan, dropping, fixed, into, onto, sliding, type Buffer } from "@sluice/channels";
import { catchRaised, settle } from "./ops/helpers";
import { flush, watch } from "./helpers";

const inc = (n: number): number => n + 1;

/** Clojure's (take n): answers reduced with the n-th value itself. */
function takeN(n: number) {
  return (xf: any) => {
    let left = n;
    return {
      "@@transducer/step": (acc: unknown, v: unknown) => {
        const r = xf["@@transducer/step"](acc, v);
        return --left > 0 ? r : { "@@transducer/reduced": true, "@@transducer/value": r };
      },
      "@@transducer/result": (acc: unknown) => xf["@@transducer/result"](acc),
    };
  };
}
const even = (n: number): boolean => n % 2 === 0;

/** Puts every value (without waiting for room), closes, and collects what comes out. */
async function through<T>(ch: Channel<T>, values: T[]): Promise<T[]> {
  const done = onto(ch, values);
  const all = await into(ch);
  await done;
  return all;
}

describe("chan with a transducer from transducers-js", () => {
  it("maps and filters each value as it enters", async () => {
    const ch = chan<number>(4, t.comp(t.map(inc), t.filter(even)));
    expect(await through(ch, [1, 2, 3, 4, 5])).toEqual([2, 4, 6]);
  });

  it("flushes partitionAll's last, shorter group when the channel closes", async () => {
    const ch = chan<any>(1, t.partitionAll(3));
    expect(await through(ch, [0, 1, 2, 3, 4, 5, 6])).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it("closes itself when take(n) answers reduced; later puts resolve false", async () => {
    // transducers-js's take answers reduced at the value after the n-th (Clojure's at the n-th).
    const ch = chan<number>(10, t.take(2));
    expect(await ch.put(1)).toBe(true);
    expect(await ch.put(2)).toBe(true);
    expect(ch.closed).toBe(false);
    expect(await ch.put(3)).toBe(true); // dropped: take(2) is done, and says so now
    expect(ch.closed).toBe(true);
    expect(await ch.put(4)).toBe(false);
    expect(await into(ch)).toEqual([1, 2]);
  });

  it("expands with mapcat: one put may add several values, past the buffer's size", async () => {
    const ch = chan<any>(
      1,
      t.mapcat((n: number) => [n, n, n]),
    );
    expect(await ch.put(7)).toBe(true);
    expect(ch.length).toBe(3);
    expect(ch.capacity).toBe(1);
    expect(ch.offer(8)).toBe(false); // full (over-full): an offer cannot complete now
    expect([ch.poll(), ch.poll(), ch.poll()]).toEqual([7, 7, 7]);
    expect(ch.poll()).toBeUndefined();
  });
});

describe("chan with a transducer from ramda", () => {
  it("maps, filters and takes, as R.compose builds them", async () => {
    // (ramda's typings of compose do not follow transducers; the functions are ramda's own)
    const compose = R.compose as (...fs: Array<(x: any) => any>) => (x: any) => any;
    const ch = chan<number>(4, compose(R.map(inc), R.filter(even), R.take(2)));
    expect(await through(ch, [1, 2, 3, 4, 5, 6, 7])).toEqual([2, 4]);
    expect(ch.closed).toBe(true);
  });

  it("maps with R.map, typed as it is", async () => {
    expect(await through(chan<number>(2, R.map(inc)), [1, 2, 3])).toEqual([2, 3, 4]);
  });

  it("drops consecutive repeats with R.dropRepeats", async () => {
    const ch = chan<number>(4, R.dropRepeats);
    expect(await through(ch, [1, 1, 2, 2, 2, 3, 1])).toEqual([1, 2, 3, 1]);
  });
});

describe("the step runs when a value enters", () => {
  it("a put handed to a waiting take goes through the step", async () => {
    const ch = chan<number>(
      1,
      t.map((n: number) => n * 10),
    );
    const take = ch.take();
    expect(await ch.put(4)).toBe(true);
    expect(await take).toBe(40);
  });

  it("a put that waited for room goes through the step when it enters the buffer", async () => {
    const seen: number[] = [];
    const ch = chan<number>(
      1,
      t.map((n: number) => {
        seen.push(n);
        return n;
      }),
    );
    await ch.put(1);
    const waiting = watch(ch.put(2));
    await flush();
    expect(seen).toEqual([1]); // the second put waits outside the transducer
    expect(await ch.take()).toBe(1);
    expect(seen).toEqual([1, 2]);
    await flush();
    expect(waiting.outcome).toEqual({ state: "fulfilled", value: true });
  });

  it("a filtered-out value still resolves its put true, and a waiting take keeps waiting", async () => {
    const ch = chan<number>(1, t.filter(even));
    const take = watch(ch.take());
    expect(await ch.put(1)).toBe(true);
    await flush();
    expect(take.outcome.state).toBe("pending");
    await ch.put(2);
    await flush();
    expect(take.outcome).toEqual({ state: "fulfilled", value: 2 });
  });

  it("an expanding step serves several waiting takes at once", async () => {
    const ch = chan<number>(
      1,
      t.mapcat((n: number) => [n, n + 1, n + 2]),
    );
    const takes = [ch.take(), ch.take(), ch.take(), ch.take()];
    await ch.put(10);
    await flush();
    expect(await Promise.all(takes.slice(0, 3))).toEqual([10, 11, 12]);
    const last = watch(takes[3] as Promise<number | undefined>);
    await flush();
    expect(last.outcome.state).toBe("pending");
    ch.close();
    expect(await takes[3]).toBeUndefined();
  });
});

describe("early termination (reduced)", () => {
  it("closes the channel at once; puts waiting then resolve true and their values are dropped", async () => {
    const ch = chan<number>(1, takeN(2));
    await ch.put(1); // buffer full
    const second = watch(ch.put(2));
    const third = watch(ch.put(3));
    await flush();
    expect(second.outcome.state).toBe("pending");
    expect(await ch.take()).toBe(1); // room: put 2 enters, and take(2) is done
    await flush();
    expect(ch.closed).toBe(true);
    expect(second.outcome).toEqual({ state: "fulfilled", value: true });
    expect(third.outcome).toEqual({ state: "fulfilled", value: true }); // dropped
    expect(await ch.take()).toBe(2);
    expect(await ch.take()).toBeUndefined();
  });

  it("still runs the completion step, so partitionAll's tail is delivered", async () => {
    const ch = chan<any>(10, t.comp(takeN(4), t.partitionAll(3)));
    for (const v of [1, 2, 3, 4]) await ch.put(v);
    expect(ch.closed).toBe(true);
    expect(await into(ch)).toEqual([[1, 2, 3], [4]]);
  });
});

describe("the completion step on close", () => {
  it("runs once, when close() finds no put waiting", async () => {
    let completions = 0;
    const counting = (xf: any) => ({
      "@@transducer/init": () => xf["@@transducer/init"](),
      "@@transducer/step": (acc: unknown, v: unknown) => xf["@@transducer/step"](acc, v),
      "@@transducer/result": (acc: unknown) => {
        completions++;
        return xf["@@transducer/result"](acc);
      },
    });
    const ch = chan<number>(2, counting);
    await ch.put(1);
    ch.close();
    ch.close();
    expect(completions).toBe(1);
    await ch.take();
    await ch.take();
    await ch.take();
    expect(completions).toBe(1);
  });

  it("waits for puts still waiting at close, then flushes after them", async () => {
    const ch = chan<any>(1, t.partitionAll(2));
    await ch.put(1);
    await ch.put(2); // [1, 2] is buffered: full
    const late = watch(ch.put(3)); // waits
    ch.close();
    await flush();
    expect(late.outcome.state).toBe("pending");
    expect(await into(ch)).toEqual([[1, 2], [3]]);
    expect(late.outcome).toEqual({ state: "fulfilled", value: true });
  });

  it("hands the flushed tail to takes that were waiting at close", async () => {
    const ch = chan<any>(1, t.partitionAll(3));
    await ch.put("a"); // held inside the partition, nothing buffered
    const take = ch.take();
    const second = ch.take();
    ch.close();
    expect(await take).toEqual(["a"]);
    expect(await second).toBeUndefined();
  });
});

describe("errors of the step", () => {
  const boom = new Error("boom");
  const failing = t.map((n: number) => {
    if (n === 2) throw boom;
    return n;
  });

  it("go to exHandler, whose value is added in place of the failed one", async () => {
    const seen: unknown[] = [];
    const ch = chan<number | string>(3, failing, (error) => {
      seen.push(error);
      return "failed";
    });
    expect(await through(ch, [1, 2, 3])).toEqual([1, "failed", 3]);
    expect(seen).toEqual([boom]);
  });

  it("add nothing when exHandler returns undefined", async () => {
    const ch = chan<number>(3, failing, () => undefined);
    expect(await through(ch, [1, 2, 3])).toEqual([1, 3]);
  });

  it("without exHandler: nothing is added, the put resolves true, the error is raised", async () => {
    await catchRaised(async (raised) => {
      const ch = chan<number>(3, failing);
      expect(await ch.put(2)).toBe(true);
      expect(ch.length).toBe(0);
      expect(raised).toEqual([boom]);
    });
  });

  it("an exHandler that throws is raised too, and the channel carries on", async () => {
    await catchRaised(async (raised) => {
      const again = new Error("again");
      const ch = chan<number>(3, failing, () => {
        throw again;
      });
      expect(await through(ch, [1, 2, 3])).toEqual([1, 3]);
      expect(raised).toEqual([again]);
    });
  });

  it("an error of the completion step goes to exHandler as well", async () => {
    const breaksAtEnd = (xf: any) => ({
      "@@transducer/step": (acc: unknown, v: unknown) => xf["@@transducer/step"](acc, v),
      "@@transducer/result": () => {
        throw boom;
      },
    });
    const ch = chan<string>(2, breaksAtEnd, () => "end");
    ch.close();
    expect(await into(ch)).toEqual(["end"]);
  });
});

describe("bad arguments are TypeErrors at the call", () => {
  const xf = t.map(inc);
  it.each([
    ["no buffer", () => chan<number>(undefined, xf)],
    ["chan(0, xform)", () => chan<number>(0, xf)],
    ["chan(fixed(0), xform)", () => chan<number>(fixed(0), xf)],
  ])("an xform needs a buffer: %s", (_, make) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(/an xform needs a buffer that can hold a value/);
  });

  it("a plain function is not a transducer, and is never silently ignored", () => {
    expect(() => chan<number>(1, ((n: number) => n * 2) as never)).toThrow(
      /xform is not a transducer: given a transformer it returned the number NaN/,
    );
  });

  it("an xform that is not a function", () => {
    expect(() => chan<number>(1, 42 as never)).toThrow(
      /chan\(buffer, xform, exHandler\): xform must be a transducer .* got the number 42/,
    );
  });

  it("an exHandler that is not a function, or one without an xform", () => {
    expect(() => chan<number>(1, xf, "log" as never)).toThrow(
      /exHandler must be a function, got the string "log"/,
    );
    expect(() => chan<number>(1, undefined, () => 0)).toThrow(TypeError);
  });
});

describe("length and capacity (Go len and cap)", () => {
  it.each([
    ["unbuffered", () => chan<number>(), 0],
    ["fixed(3)", () => chan<number>(fixed(3)), 3],
    ["dropping(3)", () => chan<number>(dropping(3)), 3],
    ["sliding(3)", () => chan<number>(sliding(3)), 3],
  ])("%s: capacity is the buffer's size, length what it holds now", (_, make, cap) => {
    const ch = make();
    expect(ch.capacity).toBe(cap);
    expect(ch.length).toBe(0);
    for (let i = 1; i <= 5; i++) ch.offer(i);
    expect(ch.length).toBe(cap);
    ch.poll();
    expect(ch.length).toBe(Math.max(0, cap - 1));
  });

  it("a user's buffer without length and capacity reports NaN; with them, its own", () => {
    const items: number[] = [];
    const plain: Buffer<number> = {
      get empty() {
        return items.length === 0;
      },
      get full() {
        return items.length >= 2;
      },
      add: (v) => void items.push(v),
      remove: () => items.shift() as number,
    };
    const ch = chan(plain);
    expect(ch.length).toBeNaN();
    expect(ch.capacity).toBeNaN();
    const counted = chan<number>(
      Object.defineProperties(Object.create(plain) as Buffer<number>, {
        length: { get: () => items.length },
        capacity: { value: 2 },
      }),
    );
    counted.offer(1);
    expect(counted.length).toBe(1);
    expect(counted.capacity).toBe(2);
  });

  it("a waiting put is not counted in length", async () => {
    const ch = chan<number>(1);
    await ch.put(1);
    void ch.put(2);
    await settle(1);
    expect(ch.length).toBe(1);
    expect(ch.poll()).toBe(1);
    expect(ch.length).toBe(1); // the waiting put moved in
  });
});
