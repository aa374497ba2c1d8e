/*
 * Channel semantics, ported: put, take, offer, poll, close, buffers and promise channels.
 *
 * Ported from:
 *   clojure/core.async async_test.clj (channels, offer/poll, promise-chan), buffers_test.clj,
 *     tests.cljs (put/take pairs), and the docstrings of close!, offer!, poll!, promise-chan and
 *     the buffers
 *   golang/go src/runtime/chan_test.go (TestChan, TestChanSendInterface, TestMultiConsumer,
 *     TestShrinkStackDuringBlockedSend), chanbarrier_test.go, test/closedchan.go,
 *     test/chan/fifo.go, zerosize.go, sendstmt.go, nonblock.go
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import {
  Channel,
  DEFAULT,
  MAX_PENDING,
  chan,
  dropping,
  fixed,
  go,
  promiseChan,
  select,
  sliding,
} from "@sluice/channels";
import { flush, takeWithin, watch, within } from "../helpers";
import { drain, type Op } from "./helpers";

jest.setTimeout(10000);

describe("core.async async_test.clj", () => {
  it("core.async: buffers-tests (unblocking-buffer?)", () => {
    // unblocking-buffer? ⇔ a put never waits ⇔ the buffer is never full.
    const f = fixed<number>(1);
    f.add(1);
    expect(f.full).toBe(true);
    for (const b of [dropping<number>(1), sliding<number>(1)]) {
      b.add(1);
      b.add(2);
      expect(b.full).toBe(false);
    }
    const p = promiseChan<number>();
    for (let i = 0; i < 5; i++) expect(p.offer(i)).toBe(true);
  });

  it("core.async: basic-channel-test", async () => {
    const c = chan<number>(1);
    const f = go(() => c.take());
    await c.put(42);
    expect(await f.take()).toBe(42);
  });

  it("core.async: writes-block-on-full-buffer", async () => {
    const c = chan<number>(1);
    await c.put(42);
    const blocking = watch(c.put(43));
    await flush();
    expect(blocking.outcome).toEqual({ state: "pending" });
    expect(await c.take()).toBe(42);
    await flush();
    expect(blocking.outcome).toEqual({ state: "fulfilled", value: true });
    expect(c.poll()).toBe(43);
  });

  it("core.async: unfulfilled-readers-block", async () => {
    const c = chan<number>(1);
    const r1 = watch(c.take());
    const r2 = watch(c.take());
    await c.put(42);
    await flush();
    const outcomes = [r1.outcome, r2.outcome];
    expect(outcomes).toContainEqual({ state: "pending" });
    expect(outcomes).toContainEqual({ state: "fulfilled", value: 42 });
    c.close();
  });

  it("core.async: test-<!!-and-put!", async () => {
    const testChannel = chan<string>();
    const executed = watch(testChannel.put("test-val"));
    await flush();
    // The put does not complete until a reader can consume the written value.
    expect(executed.outcome).toEqual({ state: "pending" });
    expect(await testChannel.take()).toBe("test-val");
    await flush();
    expect(executed.outcome).toEqual({ state: "fulfilled", value: true });
  });

  it("core.async: test->!!-and-take!", async () => {
    const testChannel = chan<string>();
    const read = watch(testChannel.take());
    await flush();
    expect(read.outcome).toEqual({ state: "pending" });
    await testChannel.put("test-val");
    await flush();
    expect(read.outcome).toEqual({ state: "fulfilled", value: "test-val" });
  });

  it("core.async: limit-async-take!-put! (async put! limit)", async () => {
    const c = chan<number>();
    const puts: Promise<boolean>[] = [];
    for (let x = 0; x < MAX_PENDING; x++) puts.push(c.put(x));
    expect(MAX_PENDING).toBe(1024);
    expect(() => c.put(42)).toThrow(RangeError);
    expect(await c.take()).toBe(0); // the channel still works
    for (let x = 1; x < MAX_PENDING; x++) expect(await c.take()).toBe(x);
    expect(await Promise.all(puts)).toEqual(puts.map(() => true));
  });

  it("core.async: limit-async-take!-put! (async take! limit)", async () => {
    const c = chan<number>();
    for (let x = 0; x < MAX_PENDING; x++) void c.take();
    expect(() => c.take()).toThrow(RangeError);
    expect(await c.put(42)).toBe(true); // the channel still works
    c.close();
  });

  it("core.async: puts-fulfill-when-buffer-available", async () => {
    const c = chan<string>(1);
    await c.put("full");
    const p = watch(c.put("enqueues"));
    await flush();
    expect(p.outcome).toEqual({ state: "pending" });
    expect(await c.take()).toBe("full");
    await flush();
    expect(p.outcome).toEqual({ state: "fulfilled", value: true });
    expect(c.poll()).toBe("enqueues");
  });

  it("core.async: offer-poll", async () => {
    const c = chan<number>(2);
    expect(c.offer(1)).toBe(true);
    expect(c.offer(2)).toBe(true);
    expect(c.offer(3)).toBe(false); // core.async: nil
    expect(await c.take()).toBe(1);
    expect(c.poll()).toBe(2);
    expect(c.poll()).toBeUndefined();
    const u = chan<number>();
    expect(u.offer(1)).toBe(false);
    expect(u.poll()).toBeUndefined();
  });

  describe("core.async: test-promise-chan", () => {
    it("put on promise-chan fulfills all pending takers; then puts are dropped, takes repeat, close keeps the value", async () => {
      const c = promiseChan<string>();
      const t1 = go(() => c.take());
      const t2 = go(() => c.take());
      await c.put("val");
      expect(await t1.take()).toBe("val");
      expect(await t2.take()).toBe("val");
      // then puts succeed but are dropped
      expect(await c.put("LOST")).toBe(true);
      expect(await c.take()).toBe("val");
      // then takes succeed with the original value
      expect([await c.take(), await c.take(), await c.take()]).toEqual(["val", "val", "val"]);
      // then after close takes continue returning value
      c.close();
      expect([await c.take(), await c.take()]).toEqual(["val", "val"]);
    });

    it("close on promise-chan fulfills all pending takers; then takes return nil", async () => {
      const c = promiseChan<string>();
      const t1 = go(() => c.take());
      const t2 = go(() => c.take());
      c.close();
      expect(await t1.take()).toBeUndefined();
      expect(await t2.take()).toBeUndefined();
      expect([await t1.take(), await t2.take(), await c.take()]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });

    it("close after put on promise-chan continues delivering promised value", async () => {
      const c = promiseChan<string>();
      await c.put("val");
      expect([await c.take(), await c.take()]).toEqual(["val", "val"]);
      c.close();
      expect([await c.take(), await c.take()]).toEqual(["val", "val"]);
    });
  });
});

describe("core.async buffers_test.clj", () => {
  it("core.async: fixed-buffer-tests", () => {
    const fb = fixed<string>(2);
    expect(fb.empty).toBe(true);
    fb.add(":1");
    fb.add(":2");
    expect(fb.full).toBe(true);
    expect(fb.remove()).toBe(":1");
    expect(fb.full).toBe(false);
    expect(fb.remove()).toBe(":2");
    expect(fb.empty).toBe(true);
    expect(() => fb.remove()).toThrow();
  });

  it("core.async: dropping-buffer-tests", () => {
    const fb = dropping<string>(2);
    fb.add(":1");
    fb.add(":2");
    expect(fb.full).toBe(false);
    expect(() => fb.add(":3")).not.toThrow();
    expect(fb.remove()).toBe(":1");
    expect(fb.full).toBe(false);
    expect(fb.remove()).toBe(":2");
    expect(fb.empty).toBe(true); // :3 was dropped
    expect(() => fb.remove()).toThrow();
  });

  it("core.async: sliding-buffer-tests", () => {
    const fb = sliding<string>(2);
    fb.add(":1");
    fb.add(":2");
    expect(fb.full).toBe(false);
    expect(() => fb.add(":3")).not.toThrow();
    expect(fb.remove()).toBe(":2"); // :1 slid out
    expect(fb.full).toBe(false);
    expect(fb.remove()).toBe(":3");
    expect(fb.empty).toBe(true);
    expect(() => fb.remove()).toThrow();
  });

  it("core.async: promise-buffer-tests (through promiseChan)", async () => {
    const pb = promiseChan<string>();
    expect(pb.poll()).toBeUndefined(); // count 0
    expect(pb.offer(":1")).toBe(true);
    expect(pb.offer(":2")).toBe(true); // never full, the value is ignored
    expect(pb.offer(":3")).toBe(true);
    expect(pb.poll()).toBe(":1");
    expect(pb.poll()).toBe(":1"); // remove! does not empty it
    pb.close(); // close-buf!
    expect(await pb.take()).toBe(":1");
  });
});

describe("core.async cljs tests.cljs", () => {
  it("core.async: put! then take! on (chan 1) and on (chan)", async () => {
    for (const c of [chan<number>(1), chan<number>()]) {
      const put = c.put(42);
      expect(await c.take()).toBe(42);
      expect(await put).toBe(true);
    }
  });
});

describe("core.async promise-chan docstring", () => {
  it('core.async promise-chan docstring inside alts!: "Consumers will block until … a value is placed in the channel … then return the value … forever"', async () => {
    const p = promiseChan<string>();
    const never = chan<string>();
    expect(await select([p], { default: "none" })).toMatchObject({
      channel: DEFAULT,
      value: "none",
    });
    // Every select waiting on it gets the value, each once.
    const waiting = [select([p, never]), select([never, p]), select([p]), p.take()];
    await flush();
    expect(await select([[p, "val"]])).toMatchObject({ channel: p, value: true });
    expect(await within(Promise.all(waiting), 1000, "the waiting selects")).toEqual([
      { channel: p, value: "val", index: 0 },
      { channel: p, value: "val", index: 1 },
      { channel: p, value: "val", index: 0 },
      "val",
    ]);
    expect(never.offer("x")).toBe(false); // their takes on `never` went dead
    // Then it is always ready, with the same value.
    for (let i = 0; i < 10; i++) {
      expect(await select([never, p], { default: "none" })).toMatchObject({
        channel: p,
        value: "val",
      });
    }
    // "Once full, puts complete but val is dropped (no transfer)": a select put is ready.
    expect(await select([[p, "LOST"]], { default: "d" })).toMatchObject({
      channel: p,
      value: true,
    });
    expect(await p.take()).toBe("val");
    p.close();
    expect(await select([p])).toMatchObject({ channel: p, value: "val" });
  });

  it('core.async promise-chan docstring: closed before a value, consumers "return … nil … forever", selects too', async () => {
    const p = promiseChan<string>();
    const waiting = [select([p, chan<string>()]), p.take()];
    await flush();
    p.close();
    expect(await within(Promise.all(waiting), 1000, "the waiting takes")).toEqual([
      { channel: p, value: undefined, index: 0 },
      undefined,
    ]);
    expect(await p.put("late")).toBe(false);
    expect(await select([[p, "late"]])).toMatchObject({ channel: p, value: false });
    expect([await p.take(), await p.take()]).toEqual([undefined, undefined]);
  });
});

describe("core.async close! docstring", () => {
  it('core.async close! docstring: data remains available, pending takes get nil, later puts are ignored, parked puts "remain … parked until a taker releases them"', async () => {
    const c = chan<number>(1);
    c.offer(1);
    const plainPut = c.put(2);
    const selectPut = select([[c, 3]]);
    await flush();
    c.close();
    c.close(); // "Closing a closed channel is a no-op."
    expect(await c.put(4)).toBe(false); // "no longer accept any puts"
    expect(c.offer(5)).toBe(false);
    expect([await takeWithin(c), await takeWithin(c), await takeWithin(c)]).toEqual([1, 2, 3]);
    expect(await within(Promise.all([plainPut, selectPut]), 1000, "the parked puts")).toEqual([
      true,
      { channel: c, value: true, index: 0 },
    ]);
    expect(await c.take()).toBeUndefined(); // "after which takes will return nil"
    // "If there are any pending takes, they will be dispatched with nil."
    const d = chan<number>();
    const takes = [d.take(), select([d]), select([chan<number>(), d])];
    await flush();
    d.close();
    expect(await within(Promise.all(takes), 1000, "the pending takes")).toEqual([
      undefined,
      { channel: d, value: undefined, index: 0 },
      { channel: d, value: undefined, index: 1 },
    ]);
  });
});

describe("core.async offer! and poll! docstrings", () => {
  it('core.async offer! docstring: "Puts a val into port if it\'s possible to do so immediately", to a waiting alts!', async () => {
    const c = chan<number>();
    const other = chan<number>();
    const s = select([other, c]);
    await flush();
    expect(c.offer(5)).toBe(true);
    expect(await within(s)).toMatchObject({ channel: c, value: 5 });
    expect(c.offer(6)).toBe(false); // the select committed once; nothing waits now
    expect(other.offer(7)).toBe(false);
  });

  it('core.async poll! docstring: "Takes a val from port if it\'s possible to do so immediately", from a waiting alts! put', async () => {
    const c = chan<number>();
    const other = chan<number>();
    const s = select([
      [other, 1],
      [c, 2],
    ]);
    await flush();
    expect(c.poll()).toBe(2);
    expect(await within(s)).toMatchObject({ channel: c, value: true });
    expect(c.poll()).toBeUndefined();
    expect(other.poll()).toBeUndefined(); // its put on `other` went dead
  });
});

describe("core.async buffer docstrings", () => {
  it('core.async unblocking-buffer? docstring: a channel on a dropping or sliding buffer "will never block", so an alts! put on it never takes the :default', async () => {
    for (const [make, keeps] of [
      [() => chan<number>(dropping(2)), [1, 2]],
      [() => chan<number>(sliding(2)), [4, 5]],
    ] as const) {
      const c = make();
      for (const v of [1, 2, 3, 4, 5]) {
        expect(await select([[c, v]], { default: "d" })).toMatchObject({ channel: c, value: true });
      }
      expect(drain(c)).toEqual(keeps);
    }
  });

  it('core.async dropping-buffer docstring: "When full, puts will complete but val will be dropped (no transfer)" — but a waiting taker gets every value', async () => {
    const c = chan<number>(dropping(1));
    const takers = [c.take(), c.take(), select([c])];
    await flush();
    for (const v of [1, 2, 3]) expect(await c.put(v)).toBe(true);
    expect(await within(Promise.all(takers))).toEqual([1, 2, { channel: c, value: 3, index: 0 }]);
    for (const v of [4, 5, 6]) expect(await c.put(v)).toBe(true);
    expect(drain(c)).toEqual([4]);
  });
});

describe("Go runtime/chan_test.go", () => {
  it("Go: TestChan (caps 0..20)", async () => {
    const N = 20; // testing.Short()
    for (let chanCap = 0; chanCap <= N; chanCap++) {
      {
        // Ensure that receive from empty chan blocks.
        const c = chan<number>(chanCap);
        let recv1 = false;
        void (async () => {
          await c.take();
          recv1 = true;
        })();
        let recv2 = false;
        void (async () => {
          const v = await c.take();
          void (v !== undefined);
          recv2 = true;
        })();
        await flush();
        expect([chanCap, recv1 || recv2]).toEqual([chanCap, false]);
        // Ensure that non-blocking receive does not block.
        expect((await select([c], { default: null })).channel).toBe(DEFAULT);
        expect((await select([c], { default: null })).channel).toBe(DEFAULT);
        await c.put(0);
        await c.put(0);
        await flush();
        expect([recv1, recv2]).toEqual([true, true]);
      }
      {
        // Ensure that send to full chan blocks.
        const c = chan<number>(chanCap);
        for (let i = 0; i < chanCap; i++) await c.put(i);
        let sent = false;
        void (async () => {
          await c.put(0);
          sent = true;
        })();
        await flush();
        expect([chanCap, sent]).toEqual([chanCap, false]);
        // Ensure that non-blocking send does not block.
        expect((await select([[c, 0]], { default: null })).channel).toBe(DEFAULT);
        await c.take();
        await flush();
        expect(sent).toBe(true);
      }
      {
        // Ensure that we receive 0 (undefined) from closed chan.
        const c = chan<number>(chanCap);
        for (let i = 0; i < chanCap; i++) await c.put(i);
        c.close();
        for (let i = 0; i < chanCap; i++) expect(await c.take()).toBe(i);
        expect(await c.take()).toBeUndefined();
        const v = await c.take();
        expect([v, v !== undefined]).toEqual([undefined, false]);
      }
      {
        // Ensure that close unblocks receive.
        const c = chan<number>(chanCap);
        const done = chan<boolean>();
        void (async () => {
          const v = await c.take();
          await done.put(v === undefined);
        })();
        await flush();
        c.close();
        expect(await done.take()).toBe(true);
      }
      {
        // Send 100 integers, ensure that we receive them non-corrupted in FIFO order.
        const c = chan<number>(chanCap);
        void (async () => {
          for (let i = 0; i < 100; i++) await c.put(i);
        })();
        for (let i = 0; i < 100; i++) expect(await c.take()).toBe(i);
        // Same, but using recv2.
        void (async () => {
          for (let i = 0; i < 100; i++) await c.put(i);
        })();
        for (let i = 0; i < 100; i++) {
          const v = await c.take();
          expect(v !== undefined).toBe(true);
          expect(v).toBe(i);
        }
        // Send L integers in P goroutines, ensure that we receive what we send.
        const P = 4;
        const L = 200; // 1000 in Go
        for (let p = 0; p < P; p++) {
          void (async () => {
            for (let i = 0; i < L; i++) await c.put(i);
          })();
        }
        const done = chan<Map<number, number>>();
        for (let p = 0; p < P; p++) {
          void (async () => {
            const recv = new Map<number, number>();
            for (let i = 0; i < L; i++) {
              const v = (await c.take()) as number;
              recv.set(v, (recv.get(v) ?? 0) + 1);
            }
            await done.put(recv);
          })();
        }
        const recv = new Map<number, number>();
        for (let p = 0; p < P; p++) {
          for (const [k, v] of (await done.take()) as Map<number, number>) {
            recv.set(k, (recv.get(k) ?? 0) + v);
          }
        }
        expect(recv.size).toBe(L);
        for (const v of recv.values()) expect(v).toBe(P);
      }
    }
  });

  it("Go: TestChanSendInterface", async () => {
    const m = {};
    const c = chan<object>(1);
    await c.put(m);
    expect(await select([[c, m]], { default: null })).toMatchObject({
      channel: DEFAULT,
      value: null,
    });
    expect(
      (
        await select(
          [
            [c, m],
            [c, {}],
          ],
          { default: null },
        )
      ).channel,
    ).toBe(DEFAULT);
    expect(c.poll()).toBe(m);
  });

  it("Go: TestMultiConsumer", async () => {
    const nwork = 23;
    const niter = 20000; // 271828 in Go
    const pn = [2, 3, 7, 11, 13, 17, 19, 23, 27, 31];
    const q = chan<number>(nwork * 3);
    const r = chan<number>(nwork * 3);
    // workers
    const workers = Array.from({ length: nwork }, async (_, w) => {
      for await (const v of q) {
        // mess with the fifo-ish nature of range
        if (pn[w % pn.length] === v) await Promise.resolve();
        await r.put(v);
      }
    });
    // feeder & closer
    let expected = 0;
    void (async () => {
      for (let i = 0; i < niter; i++) {
        const v = pn[i % pn.length] as number;
        expected += v;
        await q.put(v);
      }
      q.close(); // no more work
      await Promise.all(workers); // workers done
      r.close(); // ... so there can be no more results
    })();
    // consume & check
    let n = 0;
    let s = 0;
    for await (const v of r) {
      n++;
      s += v;
    }
    expect([n, s]).toEqual([niter, expected]);
  });

  it("Go: TestShrinkStackDuringBlockedSend (channel part)", async () => {
    const n = 10;
    const c = chan<number>();
    const done = chan<true>();
    void (async () => {
      for (let i = 0; i < n; i++) await c.put(i);
      await done.put(true);
    })();
    for (let i = 0; i < n; i++) {
      expect(await c.take()).toBe(i);
      await flush(); // let the sender block in its send
    }
    expect(await done.take()).toBe(true);
  });
});

describe("Go runtime/chanbarrier_test.go", () => {
  class MyError extends Error {}
  interface Async {
    resp: undefined;
    err: Error;
  }
  for (const useSelect of [false, true]) {
    const name = useSelect ? "TestChanSendSelectBarrier" : "TestChanSendBarrier";
    it(`Go chanbarrier_test.go: ${name}`, async () => {
      const sends: Promise<unknown>[] = [];
      async function doRequest(): Promise<Async> {
        const ch = chan<Async>();
        const done = chan<true>();
        if (useSelect) {
          sends.push(
            (async () => {
              const r = await select([[ch, { resp: undefined, err: new MyError() }], done]);
              return r.channel === ch ? r.value : "done fired";
            })(),
          );
        } else {
          sends.push(ch.put({ resp: undefined, err: new MyError() }));
        }
        const r = (await ch.take()) as Async;
        await Promise.resolve(); // runtime.Gosched()
        // done never fires: the select's case on it went dead when the send won.
        expect(done.offer(true)).toBe(false);
        return r;
      }
      const outer = 10;
      const inner = 100;
      const notMyError: unknown[] = [];
      const workers = Array.from({ length: outer }, async () => {
        for (let j = 0; j < inner; j++) {
          const { err } = await doRequest();
          if (!(err instanceof MyError)) notMyError.push(err);
        }
      });
      await within(Promise.all(workers), 3000, "the workers");
      expect(notMyError).toEqual([]);
      expect(sends).toHaveLength(outer * inner);
      expect(new Set(await Promise.all(sends))).toEqual(new Set([true]));
    });
  }
});

describe("Go test/closedchan.go", () => {
  // The same operations three ways: direct (<- operator; the non-blocking ones are selects with
  // a default, as in Go's XChan), through a one-case select, and through a larger select with a
  // dummy channel that is never ready.
  interface Impl {
    name: string;
    send(c: Channel<number>, x: number): Promise<boolean>; // what the put reported
    nbsend(c: Channel<number>, x: number): Promise<[boolean, boolean]>; // [put's value, selected]
    recv(c: Channel<number>): Promise<number | undefined>;
    nbrecv(c: Channel<number>): Promise<[number | undefined, boolean]>;
    recv2(c: Channel<number>): Promise<[number | undefined, boolean]>;
    nbrecv2(c: Channel<number>): Promise<[number | undefined, boolean, boolean]>;
  }
  const dummy = chan<boolean>();

  /** A select that must complete on `c` (a dummy case firing is a failure). */
  async function on(c: Channel<number>, ops: Op[], opts?: { default: unknown }) {
    const r = await within(select(ops, opts), 1000, "a select on a closed channel");
    if (r.channel !== c && r.channel !== DEFAULT) throw new Error("a dummy case fired");
    return r;
  }
  const nb = { default: "nb" };

  const impls: Impl[] = [
    {
      name: "XChan (<- operator)",
      send: (c, x) => c.put(x),
      async nbsend(c, x) {
        const r = await on(c, [[c, x]], nb);
        return [r.value === true, r.channel !== DEFAULT];
      },
      recv: (c) => c.take(),
      async nbrecv(c) {
        const r = await on(c, [c], nb);
        return r.channel === DEFAULT ? [undefined, false] : [r.value, true];
      },
      async recv2(c) {
        const v = await c.take();
        return [v, v !== undefined];
      },
      async nbrecv2(c) {
        const r = await on(c, [c], nb);
        return r.channel === DEFAULT
          ? [undefined, false, false]
          : [r.value, r.value !== undefined, true];
      },
    },
    {
      name: "SChan (select)",
      send: async (c, x) => (await on(c, [[c, x]])).value as boolean,
      async nbsend(c, x) {
        const r = await on(c, [[c, x]], nb);
        return [r.value === true, r.channel !== DEFAULT];
      },
      recv: async (c) => (await on(c, [c])).value as number | undefined,
      async nbrecv(c) {
        const r = await on(c, [c], nb);
        return r.channel === DEFAULT ? [undefined, false] : [r.value, true];
      },
      async recv2(c) {
        const r = await on(c, [c]);
        return [r.value, r.value !== undefined];
      },
      async nbrecv2(c) {
        const r = await on(c, [c], nb);
        return r.channel === DEFAULT
          ? [undefined, false, false]
          : [r.value, r.value !== undefined, true];
      },
    },
    {
      name: "SSChan (larger select)",
      send: async (c, x) => (await on(c, [[c, x], dummy])).value as boolean,
      async nbsend(c, x) {
        const r = await on(c, [dummy, [c, x]], nb);
        return [r.value === true, r.channel !== DEFAULT];
      },
      recv: async (c) => (await on(c, [dummy, c])).value as number | undefined,
      async nbrecv(c) {
        const r = await on(c, [dummy, c], nb);
        return r.channel === DEFAULT ? [undefined, false] : [r.value, true];
      },
      async recv2(c) {
        const r = await on(c, [dummy, c]);
        return [r.value, r.value !== undefined];
      },
      async nbrecv2(c) {
        const r = await on(c, [dummy, c], nb);
        return r.channel === DEFAULT
          ? [undefined, false, false]
          : [r.value, r.value !== undefined, true];
      },
    },
  ];

  async function test1(c: Channel<number>, impl: Impl) {
    for (let i = 0; i < 3; i++) {
      // recv a close signal (a zero value)
      expect(await impl.recv(c)).toBeUndefined();
      expect(await impl.recv2(c)).toEqual([undefined, false]);
      // should work with select: received a value without blocking, so selected == true.
      expect(await impl.nbrecv(c)).toEqual([undefined, true]);
      expect(await impl.nbrecv2(c)).toEqual([undefined, false, true]);
    }
    // A send on a closed channel panics in Go. In sluice it completes at once (the select is
    // not non-blocking's default) and reports false: nothing was sent.
    expect(await impl.nbsend(c, 1)).toEqual([false, true]);
    // the value should have been discarded.
    expect(await impl.recv(c)).toBeUndefined();
    // similarly Send.
    expect(await impl.send(c, 2)).toBe(false);
    expect(await impl.recv(c)).toBeUndefined();
    expect(dummy.offer(true)).toBe(false); // the dummy cases left no live take behind
  }

  const closedsync = () => {
    const c = chan<number>();
    c.close();
    return c;
  };
  const closedasync = () => {
    const c = chan<number>(2);
    c.offer(1);
    c.close();
    return c;
  };

  for (const impl of impls) {
    it(`Go closedchan.go: test1 on a closed unbuffered channel, ${impl.name}`, async () => {
      await test1(closedsync(), impl);
    });
  }

  const testcloseds: Array<[string, (c: Channel<number>, impl: Impl) => Promise<void>]> = [
    [
      "testasync1 (the last value via Recv)",
      async (c, impl) => {
        expect(await impl.recv(c)).toBe(1);
        await test1(c, impl);
      },
    ],
    [
      "testasync2 (the last value via Recv2)",
      async (c, impl) => {
        expect(await impl.recv2(c)).toEqual([1, true]);
        await test1(c, impl);
      },
    ],
    [
      "testasync3 (the last value via Nbrecv)",
      async (c, impl) => {
        expect(await impl.nbrecv(c)).toEqual([1, true]);
        await test1(c, impl);
      },
    ],
    [
      "testasync4 (the last value via Nbrecv2)",
      async (c, impl) => {
        expect(await impl.nbrecv2(c)).toEqual([1, true, true]);
        await test1(c, impl);
      },
    ],
  ];
  for (const [name, testclosed] of testcloseds) {
    for (const impl of impls) {
      it(`Go closedchan.go: ${name} on a closed buffered channel, ${impl.name}`, async () => {
        await testclosed(closedasync(), impl);
      });
    }
  }

  it("Go closedchan.go: closing a closed channel (panics in Go) is a no-op", async () => {
    const ch = chan<number>();
    ch.close();
    expect(() => ch.close()).not.toThrow();
    expect(ch.closed).toBe(true);
    expect(await ch.take()).toBeUndefined();
  });

  it("Go closedchan.go's TODO (close with blocked senders and receivers), as API.md fixes it", async () => {
    // "TODO(rsc): Doesn't check behavior of close(c) when there are blocked senders/receivers."
    // Receivers: every one waiting, plain or in a select, wakes with the zero value.
    const r = chan<number>();
    const other = chan<number>();
    const takers = [r.take(), r.take(), select([r, other]), select([other, r, r])];
    await flush();
    r.close();
    const woken = await within(Promise.all(takers), 1000, "the receivers woken by close");
    expect(woken.slice(0, 3)).toEqual([
      undefined,
      undefined,
      { channel: r, value: undefined, index: 0 },
    ]);
    // (r is taken twice there: either take may answer, as in Go)
    expect(woken[3]).toMatchObject({ channel: r, value: undefined });
    expect([1, 2]).toContain((woken[3] as { index: number }).index);
    expect(other.offer(1)).toBe(false); // the selects' cases on `other` went dead
    // Senders: Go panics them; in sluice they stay pending and are delivered to later takes
    // (core.async's "logically closing happens after all puts have been delivered").
    const s = chan<number>();
    const puts = [s.put(1), select([[s, 2]]), select([other, [s, 3]])];
    await flush();
    s.close();
    expect([await takeWithin(s), await takeWithin(s), await takeWithin(s)]).toEqual([1, 2, 3]);
    expect(await within(Promise.all(puts), 1000, "the senders")).toEqual([
      true,
      { channel: s, value: true, index: 0 },
      { channel: s, value: true, index: 1 },
    ]);
    expect(await s.take()).toBeUndefined(); // drained: now it reads as closed
    expect(await s.put(4)).toBe(false);
    // A select that waits with both a send and a receive on the channel (TestSelfSelect's
    // shape) wakes on its receive, as in Go; its send is dead and never delivered.
    const both = chan<number>();
    const self = select([[both, 5], both]);
    await flush();
    both.close();
    expect(await within(self, 1000, "the select")).toMatchObject({
      channel: both,
      value: undefined,
    });
    expect(await both.take()).toBeUndefined();
  });
});

describe("Go test/chan/fifo.go", () => {
  const N = 10;

  it("Go fifo.go: AsynchFifo (a buffered channel is a FIFO)", async () => {
    const ch = chan<number>(N);
    for (let i = 0; i < N; i++) await ch.put(i);
    for (let i = 0; i < N; i++) expect(await ch.take()).toBe(i);
  });

  it("Go fifo.go: SynchFifo (receivers queued on an unbuffered channel are served in order)", async () => {
    const ch = chan<number>();
    const seen: Array<[number, number | undefined]> = [];
    async function chain(val: number, input: Channel<number>, out: Channel<number>) {
      await input.take();
      seen.push([val, await ch.take()]);
      await out.put(1);
    }
    let input = chan<number>();
    const start = input;
    for (let i = 0; i < N; i++) {
      const out = chan<number>();
      void chain(i, input, out);
      input = out;
    }
    await start.put(0);
    for (let i = 0; i < N; i++) await ch.put(i);
    await input.take();
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => [i, i]));
  });
});

describe("Go test/chan/zerosize.go", () => {
  it("Go zerosize.go: channels of empty values, unbuffered and buffered", async () => {
    const empty: Record<string, never> = {};
    const u = chan<Record<string, never>>();
    const b = chan<Record<string, never>>(1);
    const t = u.take();
    await u.put(empty);
    expect(await t).toBe(empty);
    await b.put(empty);
    expect(await b.take()).toBe(empty);
  });
});

describe("Go test/chan/sendstmt.go", () => {
  it("Go sendstmt.go: chanchan (send on a channel received from a channel, in a select)", async () => {
    const cc = chan<Channel<number>>(1);
    const c = chan<number>(1);
    await cc.put(c);
    // `case <-cc <- 2`: the channel operand <-cc is evaluated on entry to the select.
    const target = (await cc.take()) as Channel<number>;
    const r = await select([[target, 2]], { default: "nonblock" });
    expect(r).toMatchObject({ channel: c, value: true });
    expect(await c.take()).toBe(2);
  });

  it("Go sendstmt.go: sendprec (the expression's value is sent)", async () => {
    const c = chan<boolean>(1);
    // eslint-disable-next-line no-constant-binary-expression
    await c.put(false || true);
    expect(await c.take()).toBe(true);
  });
});

describe("Go test/chan/nonblock.go", () => {
  it("Go nonblock.go: non-blocking send and receive, for buffer sizes 0 and 1", async () => {
    const sync = chan<boolean>();
    const values: Array<[string, unknown, unknown]> = [
      ["i32", 123, 234],
      ["i64", 123456, 234567],
      ["b", true, true],
      ["s", "hello", "hello again"],
    ];
    for (let buffer = 0; buffer < 2; buffer++) {
      for (const [name, toReceiver, fromSender] of values) {
        const c = chan<unknown>(buffer);
        // A non-blocking receive on an empty channel gets nothing.
        expect([name, c.poll()]).toEqual([name, undefined]);

        // receiver: a non-blocking send succeeds once a receiver waits.
        const receiver = (async () => {
          expect(await c.take()).toEqual(toReceiver);
          await sync.put(true);
        })();
        await flush(); // sleep()
        expect([name, buffer, c.offer(toReceiver)]).toEqual([name, buffer, true]);
        await sync.take();
        await receiver;

        // sender: a non-blocking receive succeeds once a sender waits (or buffered).
        const sender = (async () => {
          await c.put(fromSender);
          await sync.put(true);
        })();
        if (buffer > 0) await sync.take();
        else await flush();
        expect([name, buffer, c.poll()]).toEqual([name, buffer, fromSender]);
        if (buffer === 0) await sync.take();
        await sender;
      }
    }
  });
});
