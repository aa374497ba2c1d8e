import { getEventListeners } from "node:events";
import { Channel, MAX_PENDING, chan, fixed, promiseChan, select } from "@sluice/channels";
import { flush, kinds, watch } from "./helpers";

describe.each(kinds)("a $name channel", (kind) => {
  it("delivers values in the order they were put", async () => {
    const ch = kind.make();
    const puts = [1, 2, 3, 4, 5].map((v) => ch.put(v));
    const taken: (number | undefined)[] = [];
    for (let i = 0; i < kind.keeps(5).length || (kind.accepts === 0 && i < 5); i++) {
      taken.push(await ch.take());
    }
    if (kind.accepts === Infinity) expect(taken).toEqual(kind.keeps(5));
    else {
      // Puts that waited are delivered in order after the buffered ones.
      for (let i = taken.length; i < 5; i++) taken.push(await ch.take());
      expect(taken).toEqual([1, 2, 3, 4, 5]);
    }
    expect(await Promise.all(puts)).toEqual([true, true, true, true, true]);
  });

  it("completes a put at once only while the buffer has room", async () => {
    const ch = kind.make();
    const outcomes = [1, 2, 3, 4].map((v) => watch(ch.put(v)));
    await flush();
    outcomes.forEach((o, i) => {
      const done = i < kind.accepts;
      expect(o.outcome).toEqual(done ? { state: "fulfilled", value: true } : { state: "pending" });
    });
  });

  it("keeps what its buffer policy says when overfilled", async () => {
    const ch = kind.make();
    for (let v = 1; v <= 5; v++) void ch.put(v);
    const ready: number[] = [];
    for (let v = ch.poll(); v !== undefined && ready.length < 5; v = ch.poll()) ready.push(v);
    if (kind.accepts === Infinity) expect(ready).toEqual(kind.keeps(5));
    else expect(ready).toEqual([1, 2, 3, 4, 5]); // waiting puts count as ready for poll
  });

  it("offer puts only if it can complete now, poll takes only if a value is ready", () => {
    const ch = kind.make();
    expect(ch.poll()).toBeUndefined();
    const accepted = [1, 2, 3, 4].map((v) => ch.offer(v));
    expect(accepted).toEqual([1, 2, 3, 4].map((_, i) => i < kind.accepts));
    const polled: number[] = [];
    for (let v = ch.poll(); v !== undefined; v = ch.poll()) polled.push(v);
    expect(polled).toEqual(kind.keeps(4));
  });

  it("offer hands a value to a waiting taker even with no buffer room", async () => {
    const ch = kind.make();
    const take = ch.take();
    expect(ch.offer(7)).toBe(true);
    expect(await take).toBe(7);
  });

  it("poll takes from a waiting putter", async () => {
    const ch = kind.make();
    for (let v = 1; v <= 4; v++) void ch.put(v);
    expect(ch.poll()).toBe(kind.keeps(4)[0] ?? 1);
  });

  it("refuses undefined at the call, and accepts null", async () => {
    const typed = kind.make() as unknown as Channel<unknown>;
    const ch = typed;
    expect(() => typed.put(undefined)).toThrow(TypeError);
    expect(() => typed.put(undefined)).toThrow(/Can't put undefined/);
    expect(() => typed.offer(undefined)).toThrow(TypeError);
    const take = ch.take();
    void ch.put(null);
    expect(await take).toBeNull();
  });

  describe("close", () => {
    it("lets buffered and waiting puts drain, then takes resolve undefined", async () => {
      const ch = kind.make();
      const puts = [1, 2, 3, 4].map((v) => ch.put(v));
      ch.close();
      expect(ch.closed).toBe(true);
      const rest: number[] = [];
      for (let v = await ch.take(); v !== undefined; v = await ch.take()) rest.push(v);
      expect(rest).toEqual(kind.accepts === Infinity ? kind.keeps(4) : [1, 2, 3, 4]);
      // Puts that waited at close were delivered, so they resolve true.
      expect(await Promise.all(puts)).toEqual([true, true, true, true]);
      expect(await ch.take()).toBeUndefined();
    });

    it("resolves waiting takes with undefined", async () => {
      const ch = kind.make();
      const takes = [ch.take(), ch.take()];
      ch.close();
      expect(await Promise.all(takes)).toEqual([undefined, undefined]);
    });

    it("makes later puts resolve false and offers fail; it is idempotent", async () => {
      const ch = kind.make();
      ch.close();
      ch.close();
      expect(await ch.put(1)).toBe(false);
      expect(ch.offer(1)).toBe(false);
      expect(ch.poll()).toBeUndefined();
      expect(await ch.take()).toBeUndefined();
    });
  });

  describe("abort", () => {
    it("a waiting take that is aborted rejects with the reason and consumes nothing", async () => {
      const ch = kind.make();
      const ac = new AbortController();
      const take = watch(ch.take({ signal: ac.signal }));
      const reason = new Error("stop");
      ac.abort(reason);
      await flush();
      expect(take.outcome).toEqual({ state: "rejected", reason });
      const next = ch.take();
      void ch.put(5);
      expect(await next).toBe(5);
    });

    it("a waiting put that is aborted rejects and delivers nothing", async () => {
      const ch = kind.make();
      const filled: number[] = [];
      while (ch.offer(100 + filled.length) && filled.length < 5) filled.push(100 + filled.length);
      if (kind.accepts === Infinity) return expect(ch.put(1)).resolves.toBe(true); // never waits
      const ac = new AbortController();
      const put = watch(ch.put(1, { signal: ac.signal }));
      ac.abort("why");
      await flush();
      expect(put.outcome).toEqual({ state: "rejected", reason: "why" });
      const drained: number[] = [];
      for (let v = ch.poll(); v !== undefined; v = ch.poll()) drained.push(v);
      expect(drained).toEqual(filled);
    });

    it("an already-aborted signal rejects at once and changes nothing", async () => {
      const ch = kind.make();
      const signal = AbortSignal.abort("early");
      await expect(ch.put(1, { signal })).rejects.toBe("early");
      await expect(ch.take({ signal })).rejects.toBe("early");
      expect(ch.poll()).toBeUndefined();
    });

    it("refuses a signal that is not an AbortSignal at the call, naming it, and changes nothing", () => {
      const ch = kind.make();
      const bogus = { signal: "soon" } as unknown as { signal: AbortSignal };
      expect(() => ch.put(1, bogus)).toThrow(
        new TypeError(
          'put(value, opts): opts.signal must be an AbortSignal, got the string "soon"',
        ),
      );
      expect(() => ch.take({ signal: null } as unknown as { signal: AbortSignal })).toThrow(
        new TypeError("take(opts): opts.signal must be an AbortSignal, got null"),
      );
      expect(ch.poll()).toBeUndefined();
    });

    it("refuses options that are not an object at the call, naming them, and changes nothing", () => {
      const ch = kind.make();
      for (const [bad, said] of [
        ["opts", 'the string "opts"'],
        [5, "the number 5"],
        [null, "null"],
        [true, "the boolean true"],
      ] as const) {
        expect(() => ch.put(1, bad as never)).toThrow(
          new TypeError(`put(value, opts): opts must be an object, got ${said}`),
        );
        expect(() => ch.take(bad as never)).toThrow(
          new TypeError(`take(opts): opts must be an object, got ${said}`),
        );
      }
      // Nothing was put, and no take waits: a put with room, or a taker, would complete now.
      expect(ch.poll()).toBeUndefined();
      expect(ch.offer(1)).toBe(kind.accepts > 0);
    });

    // Regression: an unknown key was ignored, so `{ signl }` lost its cancellation silently.
    it("refuses an unknown option key at the call, naming it, and changes nothing", () => {
      const ch = kind.make();
      const signal = new AbortController().signal;
      const misspelt = { signl: signal } as never;
      expect(() => ch.put(1, misspelt)).toThrow(
        new TypeError('put(value, opts): unknown option "signl" (the options are "signal")'),
      );
      expect(() => ch.take(misspelt)).toThrow(
        new TypeError('take(opts): unknown option "signl" (the options are "signal")'),
      );
      expect(ch.offer(1)).toBe(kind.accepts > 0); // nothing was put, and no take waits
      // One options object that passed is not checked again; another one is.
      const good = { signal };
      void ch.take(good);
      void ch.take(good);
      expect(() => ch.take({ signal, extra: 1 } as never)).toThrow('unknown option "extra"');
      expect(() => ch.put(1, {} as never)).not.toThrow();
    });

    it("one signal serves many operations: each listens on it only while it waits", async () => {
      const ch = kind.make();
      const ac = new AbortController();
      const listening = () => getEventListeners(ac.signal, "abort").length;
      for (let i = 0; i < 20; i++) {
        const take = ch.take({ signal: ac.signal });
        expect(listening()).toBe(1);
        void ch.put(i);
        await take;
        const picked = select([ch], { signal: ac.signal });
        void ch.put(i);
        await picked;
        if (kind.accepts === Infinity) continue; // a put never waits
        for (let k = 0; k < kind.accepts; k++) ch.offer(k); // full: the next put waits
        const put = ch.put(i, { signal: ac.signal });
        expect(listening()).toBe(1);
        while (ch.poll() !== undefined);
        await put;
        while (ch.poll() !== undefined);
      }
      expect(listening()).toBe(0);
      const aborted = ch.take({ signal: ac.signal }).catch(() => "aborted");
      const abortedSelect = select([ch], { signal: ac.signal }).catch(() => "aborted");
      expect(listening()).toBe(2);
      ac.abort(); // and an aborted signal its owner keeps holds on to neither
      expect([await aborted, await abortedSelect]).toEqual(["aborted", "aborted"]);
      expect(listening()).toBe(0);
    });

    it("a value that arrives before the abort is kept; one after it goes elsewhere", async () => {
      const ch = kind.make();
      const ac = new AbortController();
      const first = ch.take({ signal: ac.signal });
      void ch.put(1); // arrives first: the take owns it
      ac.abort();
      expect(await first).toBe(1);

      const ac2 = new AbortController();
      const second = watch(ch.take({ signal: ac2.signal }));
      ac2.abort(); // aborted first: the next value must not be consumed by it
      void ch.put(2);
      await flush();
      expect(second.outcome.state).toBe("rejected");
      expect(await ch.take()).toBe(2);
    });
  });

  it("limits pending takes, and the error names the limit and the way out", async () => {
    const ch = kind.make();
    const acs = Array.from({ length: MAX_PENDING }, () => new AbortController());
    const takes = acs.map((ac) => ch.take({ signal: ac.signal }).catch(() => "aborted"));
    expect(() => ch.take()).toThrow(RangeError);
    expect(() => ch.take()).toThrow(/No more than 1024 pending takes/);
    // Aborted takes are swept, which makes room again.
    acs.slice(0, 10).forEach((ac) => ac.abort());
    const extra = ch.take();
    ch.close();
    expect(await extra).toBeUndefined();
    expect((await Promise.all(takes)).filter((t) => t === "aborted")).toHaveLength(10);
  });

  it("iterates until closed and drained; breaking out does not close it", async () => {
    const ch = kind.make();
    const producer = (async () => {
      for (let v = 1; v <= 6; v++) await ch.put(v);
    })();
    const seen: number[] = [];
    for await (const v of ch) {
      seen.push(v);
      if (v === 3) break;
    }
    expect(ch.closed).toBe(false);
    await Promise.resolve();
    const more: number[] = [];
    const consumer = (async () => {
      for await (const v of ch) more.push(v);
    })();
    await producer;
    ch.close();
    await consumer;
    expect([...seen, ...more]).toEqual(
      kind.accepts === Infinity ? [...seen, ...more].sort((a, b) => a - b) : [1, 2, 3, 4, 5, 6],
    );
    expect(seen).toEqual([1, 2, 3]);
  });

  it("an iterator returned while its take waits consumes nothing", async () => {
    const ch = kind.make();
    const it = ch[Symbol.asyncIterator]();
    const pending = it.next();
    await it.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    void ch.put(9);
    expect(await ch.take()).toBe(9);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it("an iterator returned with several next() calls waiting withdraws every take", async () => {
    const ch = kind.make();
    const it = ch[Symbol.asyncIterator]();
    const pending = [it.next(), it.next(), it.next()];
    await it.return?.();
    expect(await Promise.all(pending)).toEqual(
      pending.map(() => ({ done: true, value: undefined })),
    );
    void ch.put(9);
    expect(await ch.take()).toBe(9);
  });
});

describe("an unbuffered channel", () => {
  it("completes a put only when a taker takes it", async () => {
    const ch = chan<string>();
    const put = watch(ch.put("x"));
    await flush();
    expect(put.outcome.state).toBe("pending");
    expect(await ch.take()).toBe("x");
    await flush();
    expect(put.outcome).toEqual({ state: "fulfilled", value: true });
  });

  it("is a Channel instance and says what it is", () => {
    expect(chan() instanceof Channel).toBe(true);
    expect(String(chan())).toBe("chan()");
    expect(String(chan(fixed(3)))).toBe("chan(fixed(3))");
  });

  it("limits pending puts with a message that suggests a buffer", () => {
    const ch = chan<number>();
    for (let i = 0; i < MAX_PENDING; i++) void ch.put(i);
    expect(() => ch.put(-1)).toThrow(/No more than 1024 pending puts .*Consider using a buffer/);
    // The failed put was not queued: exactly 1024 values come out.
    let n = 0;
    while (ch.poll() !== undefined) n++;
    expect(n).toBe(MAX_PENDING);
  });
});

describe("promiseChan", () => {
  it("gives every take, before and after, the first value put", async () => {
    const p = promiseChan<number>();
    const early = [p.take(), p.take()];
    expect(await p.put(1)).toBe(true);
    expect(await p.put(2)).toBe(true); // accepted and ignored
    expect(await Promise.all(early)).toEqual([1, 1]);
    expect(await p.take()).toBe(1);
    expect(p.poll()).toBe(1);
  });

  it("after close, still gives the value; closed empty gives undefined", async () => {
    const p = promiseChan<string>();
    void p.put("v");
    p.close();
    expect(await p.take()).toBe("v");
    expect(await p.take()).toBe("v");
    const q = promiseChan<string>();
    const waiting = q.take();
    q.close();
    expect(await waiting).toBeUndefined();
    expect(await q.put("late")).toBe(false);
  });
});

describe("a subclass that validates", () => {
  class Evens extends Channel<number> {
    protected override validate(value: unknown): void {
      super.validate(value);
      if (typeof value !== "number" || value % 2 !== 0)
        throw new TypeError(`not even: ${String(value)}`);
    }
  }
  it("refuses at put and offer, before anything happens", async () => {
    const ch = new Evens(2);
    expect(() => ch.put(3)).toThrow(/not even: 3/);
    expect(() => ch.offer(5)).toThrow(/not even: 5/);
    expect(() => (ch as Channel<unknown>).put(undefined)).toThrow(/Can't put undefined/);
    expect(ch.poll()).toBeUndefined();
    await ch.put(4);
    expect(ch.poll()).toBe(4);
  });
});

describe("onClose", () => {
  it("runs each listener once, when close() first closes the channel, after waiting takes woke", async () => {
    const ch = chan<number>(1);
    const seen: string[] = [];
    const waiting = ch.take().then((v) => seen.push(`take ${String(v)}`));
    ch.onClose(() => seen.push(`first, closed=${String(ch.closed)}`));
    ch.onClose(() => seen.push("second"));
    expect(seen).toEqual([]);
    ch.close();
    ch.close();
    expect(seen).toEqual(["first, closed=true", "second"]);
    await waiting;
    expect(seen).toEqual(["first, closed=true", "second", "take undefined"]);
  });

  it("runs at once on a channel that is already closed", () => {
    const ch = chan<number>();
    ch.close();
    let runs = 0;
    ch.onClose(() => runs++);
    expect(runs).toBe(1);
  });

  it("stops a listener that was removed, and leaves the others", () => {
    const ch = chan<number>();
    const seen: string[] = [];
    const stopA = ch.onClose(() => seen.push("a"));
    ch.onClose(() => seen.push("b"));
    stopA();
    stopA();
    ch.close();
    expect(seen).toEqual(["b"]);
  });

  it("runs the other listeners when one throws, then close() throws its error", () => {
    const ch = chan<number>();
    let later = false;
    ch.onClose(() => {
      throw new Error("boom");
    });
    ch.onClose(() => (later = true));
    expect(() => ch.close()).toThrow(new Error("boom"));
    expect(later).toBe(true);
    expect(ch.closed).toBe(true);
  });

  it("refuses a listener that is not a function, naming what it got", () => {
    expect(() => chan().onClose(42 as unknown as () => void)).toThrow(
      new TypeError("onClose(listener): listener must be a function, got the number 42"),
    );
  });
});
