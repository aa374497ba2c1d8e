/*
 * select (core.async alts!), ported: which op commits, priority and default, fairness, and
 * the sweeping of the losers' handlers.
 *
 * Ported from:
 *   clojure/core.async ioc_macros_test.clj (alt-tests), tests.cljs (alts! cleanup), and the
 *     alts! docstring
 *   golang/go src/runtime/chan_test.go (TestNonblockRecvRace, TestSelfSelect, TestSelectStress,
 *     TestSelectFairness, TestPseudoRandomSend, TestSelectDuplicateChannel,
 *     TestSelectStackAdjust, and variants of them), test/chan/select.go, select2.go to select8.go,
 *     doubleselect.go
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { Channel, DEFAULT, MAX_PENDING, chan, go, select } from "@sluice/channels";
import { flush, takeWithin, watch, within } from "../helpers";
import { blocks, goLater, identityChan, type Op } from "./helpers";

jest.setTimeout(10000);

describe("core.async alts! docstring", () => {
  it('core.async alts! docstring: ":priority true - the operations will be tried in order", puts included', async () => {
    const a = chan<number>(1);
    const b = chan<number>(1);
    for (let i = 0; i < 20; i++) {
      const r = await select(
        [
          [a, 1],
          [b, 2],
        ],
        { priority: true },
      );
      expect(r).toMatchObject({ channel: a, value: true });
      expect(a.poll()).toBe(1);
    }
    expect(b.poll()).toBeUndefined(); // the second put never ran
    // Mixed: the first op is a put that cannot complete (full), the second a ready take, the
    // third a ready put: the take wins, every time, and the third put delivers nothing.
    const full = chan<number>(1);
    full.offer(0);
    const t = chan<number>(1);
    for (let i = 0; i < 20; i++) {
      t.offer(i);
      const r = await select([[full, 1], t, [b, 2]], { priority: true });
      expect(r).toMatchObject({ channel: t, value: i });
    }
    expect([full.poll(), full.poll(), b.poll()]).toEqual([0, undefined, undefined]);
  });

  it('core.async alts! docstring: "If no operation is ready and a :default value is supplied, [default-val :default] will be returned", for puts', async () => {
    const unbuffered = chan<number>();
    const full = chan<number>(1);
    full.offer(0);
    for (const opts of [{ default: "d" }, { default: "d", priority: true }]) {
      expect(
        await select(
          [
            [unbuffered, 1],
            [full, 2],
          ],
          opts,
        ),
      ).toMatchObject({ channel: DEFAULT, value: "d" });
    }
    // Nothing was left waiting: no put for a later taker, no extra value in the buffer.
    expect(unbuffered.poll()).toBeUndefined();
    expect([full.poll(), full.poll()]).toEqual([0, undefined]);
    // A put with room is ready, so the default is not taken.
    expect(await select([[full, 3]], { default: "d" })).toMatchObject({
      channel: full,
      value: true,
    });
    expect(full.poll()).toBe(3);
  });

  it('core.async alts! docstring: a put\'s val is "a boolean (true unless already closed, as per put!)"', async () => {
    const closed = chan<number>(1);
    closed.close();
    expect(await select([[closed, 1]])).toMatchObject({ channel: closed, value: false });
    // Ready at once, so a :default is not taken either.
    expect(await select([[closed, 1]], { default: "d" })).toMatchObject({
      channel: closed,
      value: false,
    });
    // A put that was waiting when the channel closed is delivered later (close! docstring:
    // "Logically closing happens after all puts have been delivered"): so it reports true.
    const c = chan<number>();
    const other = chan<number>();
    const waiting = watch(select([other, [c, 7]]));
    await flush();
    c.close();
    await flush();
    expect(waiting.outcome).toEqual({ state: "pending" });
    expect(await takeWithin(c)).toBe(7);
    await flush();
    expect(waiting.outcome).toEqual({
      state: "fulfilled",
      value: { channel: c, value: true, index: 1 },
    });
    expect(other.offer(1)).toBe(false); // its take on `other` went dead
  });

  it('core.async alts! docstring: "Returns [val port] of the completed operation", nil for a closed take', async () => {
    const open = chan<number>();
    const closed = chan<number>();
    closed.close();
    for (let i = 0; i < 10; i++) {
      expect(await select([open, closed])).toMatchObject({ channel: closed, value: undefined });
    }
    expect(open.offer(1)).toBe(false); // no take was left on `open`
  });
});

describe("core.async ioc_macros_test.clj", () => {
  it("core.async: alt-tests (alts works at all)", async () => {
    const c = identityChan(42);
    expect(await go(() => select([c])).take()).toMatchObject({ channel: c, value: 42 });
  });

  it("core.async: alt-tests (alts can use default)", async () => {
    expect(await select([chan(1)], { default: 42 })).toMatchObject({ channel: DEFAULT, value: 42 });
  });

  it("core.async: alt-tests (alt obeys its random-array initialization → priority order)", async () => {
    // random-array [1 2 0] makes alt! try :two first; sluice's way to fix the order is priority.
    const labels = new Set<string>();
    for (let cnt = 0; cnt < 10; cnt++) {
      const { value } = await select(
        [identityChan("two"), identityChan("three"), identityChan("one")],
        { priority: true },
      );
      labels.add(value as string);
    }
    expect(labels).toEqual(new Set(["two"]));
  });
});

describe("core.async cljs tests.cljs", () => {
  it("core.async: cleanup (alt handlers are removed from put!)", async () => {
    const c = chan<number>();
    for (let x = 0; x < 2 * MAX_PENDING; x++) {
      expect((await select([[c, x]], { default: 42 })).channel).toBe(DEFAULT);
    }
    const taker = c.take();
    expect(() => c.put(42)).not.toThrow();
    expect(await taker).toBe(42);
  });

  it("core.async: cleanup (alt handlers are removed from take!)", async () => {
    const c = chan<number>();
    for (let x = 0; x < 2 * MAX_PENDING; x++) {
      expect((await select([c], { default: 42 })).channel).toBe(DEFAULT);
    }
    const taken = c.take();
    await c.put(7);
    expect(await taken).toBe(7);
  });

  it("core.async: cleanup, parked variant (losing alts! handlers do not count against the limit)", async () => {
    // The cljs test's handlers never park (they take the default). Here they do: each select
    // parks on `c` and on `other`, and `other` wins, 2 × MAX_PENDING times.
    const c = chan<number>();
    const other = chan<number>(1);
    for (let x = 0; x < 2 * MAX_PENDING; x++) {
      const s = select([[c, x], other]);
      other.offer(x);
      expect(await s).toMatchObject({ channel: other, value: x });
    }
    const taker = c.take();
    expect(await c.put(42)).toBe(true);
    expect(await taker).toBe(42);
  });
});

describe("Go runtime/chan_test.go", () => {
  it("Go: TestNonblockRecvRace", async () => {
    const n = 100; // testing.Short()
    for (let i = 0; i < n; i++) {
      const c = chan<number>(1);
      await c.put(1);
      const body = async () => {
        const r = await select([c], { default: "not ready" });
        if (r.channel === DEFAULT) throw new Error("chan is not ready");
      };
      // Either the goroutine runs first (sees 1) or after close and the take (sees closed).
      const g = i % 2 === 0 ? body() : goLater(body);
      c.close();
      await c.take();
      await g;
    }
  });

  for (const [name, makeReady] of [
    ["TestNonblockSelectRace", (c2: Channel<number>) => void c2.offer(1)],
    ["TestNonblockSelectRace2", (c2: Channel<number>) => c2.close()],
  ] as const) {
    it(`Go: ${name}`, async () => {
      // From the moment the goroutine is created, c1 or c2 is ready for receiving, so its
      // non-blocking select must never take the default.
      const n = 1000; // testing.Short()
      const done = chan<boolean>(1);
      for (let i = 0; i < n; i++) {
        const c1 = chan<number>(1);
        const c2 = name === "TestNonblockSelectRace" ? chan<number>(1) : chan<number>();
        await c1.put(1);
        const body = async () => {
          const r = await select([c1, c2], { default: null });
          await done.put(r.channel !== DEFAULT);
        };
        void (i % 2 === 0 ? body() : goLater(body));
        makeReady(c2);
        await select([c1], { default: null });
        expect(await done.take()).toBe(true);
      }
    });
  }

  it("Go: TestSelfSelect", async () => {
    // Send/recv on the same chan in one select neither crashes, deadlocks nor self-receives.
    for (const chanCap of [0, 10]) {
      const c = chan<number>(chanCap);
      const selfReceived: number[] = [];
      const tasks = [0, 1].map(async (p) => {
        for (let i = 0; i < 1000; i++) {
          const ops: Array<Channel<number> | [Channel<number>, number]> =
            p === 0 || i % 2 === 0 ? [[c, p], c] : [c, [c, p]];
          const r = await select(ops);
          if (r.value !== true && chanCap === 0 && r.value === p) selfReceived.push(i);
        }
      });
      await Promise.all(tasks);
      expect(selfReceived).toEqual([]);
    }
  });

  it("Go: TestSelectStress", async () => {
    const c = [chan<number>(), chan<number>(), chan<number>(2), chan<number>(3)];
    const N = 2000; // 1e5 in Go, 1e4 with testing.Short()
    // 4 tasks that send N values on each of the chans, 4 that receive N values on each,
    // 1 that sends N values on each in a single select, 1 that receives N on each the same way.
    const tasks: Promise<void>[] = [];
    for (let k = 0; k < 4; k++) {
      const ck = c[k] as Channel<number>;
      tasks.push(
        (async () => {
          for (let i = 0; i < N; i++) await ck.put(0);
        })(),
      );
      tasks.push(
        (async () => {
          for (let i = 0; i < N; i++) await ck.take();
        })(),
      );
    }
    tasks.push(
      (async () => {
        const n = [0, 0, 0, 0];
        const c1: Array<Channel<number> | undefined> = [...c];
        for (let i = 0; i < 4 * N; i++) {
          const ops = [3, 2, 0, 1].flatMap((k) =>
            c1[k] === undefined ? [] : [[c1[k], 0] as [Channel<number>, number]],
          );
          const { channel } = await select(ops);
          const k = c.indexOf(channel as Channel<number>);
          if (++n[k]! === N) c1[k] = undefined; // nil channel: never selected again
        }
      })(),
    );
    let received = 0;
    tasks.push(
      (async () => {
        const n = [0, 0, 0, 0];
        const c1: Array<Channel<number> | undefined> = [...c];
        for (let i = 0; i < 4 * N; i++) {
          const ops = c1.filter((x): x is Channel<number> => x !== undefined);
          const { channel, value } = await select(ops);
          expect(value).toBe(0);
          received++;
          const k = c.indexOf(channel as Channel<number>);
          if (++n[k]! === N) c1[k] = undefined;
        }
      })(),
    );
    await Promise.all(tasks);
    expect(received).toBe(4 * N);
  });

  it("Go: TestSelectFairness", async () => {
    const trials = 10000;
    const c1 = chan<number>(trials + 1);
    const c2 = chan<number>(trials + 1);
    for (let i = 0; i < trials + 1; i++) {
      c1.offer(1);
      c2.offer(2);
    }
    const c3 = chan<number>();
    const c4 = chan<number>();
    const out = chan<number>();
    const done = chan<number>();
    const worker = (async () => {
      for (;;) {
        const { value: b } = await select([c3, c4, c1, c2]);
        const r = await select([[out, b!], done]); // (none of c1…c4 closes)
        if (r.channel === done) return;
      }
    })();
    let cnt1 = 0;
    let cnt2 = 0;
    for (let i = 0; i < trials; i++) {
      const b = await out.take();
      if (b === 1) cnt1++;
      else if (b === 2) cnt2++;
      else throw new Error(`unexpected value ${String(b)} on channel`);
    }
    // If the select is fair, cnt1 and cnt2 are about the same: within 10 sigma.
    const mean = trials * 0.5;
    const stddev = Math.sqrt(trials * 0.5 * (1 - 0.5));
    expect(Math.abs(cnt1 - mean)).toBeLessThanOrEqual(10 * stddev);
    expect(cnt1 + cnt2).toBe(trials);
    done.close();
    await worker;
  });

  it("Go: TestPseudoRandomSend (buffered, cap n)", async () => {
    // A select with two ready sends on one channel picks one at random.
    const n = 100;
    const c = chan<number>(n);
    const l: number[] = [];
    const receiver = (async () => {
      for (let i = 0; i < n; i++) {
        await Promise.resolve(); // runtime.Gosched()
        l.push((await c.take()) as number);
      }
    })();
    for (let i = 0; i < n; i++)
      await select([
        [c, 1],
        [c, 0],
      ]);
    await receiver;
    const n1 = l.reduce((a, b) => a + b, 0);
    const n0 = n - n1;
    expect(n0).toBeGreaterThan(n / 10);
    expect(n1).toBeGreaterThan(n / 10);
  });

  it("Go: TestSelectDuplicateChannel", async () => {
    // A task can be queued on the same channel several times.
    const c = chan<number>();
    const d = chan<number>();
    const e = chan<number>();
    // goroutine A
    void (async () => {
      await select([c, c, d]);
      await e.put(9);
    })();
    await flush(); // A is queued first on c
    // goroutine B
    let bGot: number | undefined;
    const b = (async () => {
      bGot = await c.take();
    })();
    await flush(); // B is queued on c
    await d.put(7); // wakes A, whose entries on c go dead
    expect(await e.take()).toBe(9);
    await c.put(8); // must wake B, not the dead entries of A
    await b;
    expect(bGot).toBe(8);
  });

  it("Go: TestSelectStackAdjust (channel part: close wakes selects holding duplicates)", async () => {
    const c = chan<number>();
    const d = chan<number>();
    const f = async (dup: boolean) => {
      const ops = dup ? [c, c, d, d] : [c, d];
      return select(ops);
    };
    const r1 = f(false);
    const r2 = f(true);
    await flush();
    d.close();
    expect(await r1).toMatchObject({ channel: d, value: undefined });
    expect(await r2).toMatchObject({ channel: d, value: undefined });
    // c saw nothing: a later put on it finds no live taker.
    expect(c.offer(1)).toBe(false);
  });
});

describe("Go runtime/chan_test.go (variants)", () => {
  it("Go chan_test.go: TestPseudoRandomSend (unbuffered, chanCap 0)", async () => {
    // A select with two sends on one unbuffered channel. The receiver yields before each
    // receive (Go's runtime.Gosched()) so that the sender gets into its select first: on an
    // unbuffered channel that means both sends are parked (select's pass 2), and the receiver
    // meets whichever the channel queued first, which must be either about as often. (A
    // yield of one microtask would let the receiver wait first, and pass 1's random order
    // would decide instead: that is the buffered case, "TestPseudoRandomSend (buffered, cap n)".)
    const n = 100;
    const c = chan<number>();
    const l: number[] = [];
    const receiver = (async () => {
      for (let i = 0; i < n; i++) {
        await flush(); // runtime.Gosched(): every runnable task, the sender's select included
        l.push((await c.take()) as number);
      }
    })();
    for (let i = 0; i < n; i++) {
      const r = await within(
        select([
          [c, 1],
          [c, 0],
        ]),
        1000,
        "a select send",
      );
      expect(r.value).toBe(true);
    }
    await within(receiver, 1000, "the receiver");
    expect(l).toHaveLength(n);
    expect(c.poll()).toBeUndefined(); // each select delivered exactly one value
    const n1 = l.reduce((a, b) => a + b, 0);
    const n0 = n - n1;
    expect(n0).toBeGreaterThan(n / 10);
    expect(n1).toBeGreaterThan(n / 10);
  });

  it("Go chan_test.go: TestSelectDuplicateChannel, variant with the duplicates on the send side", async () => {
    // A task can be queued on the same channel several times, as a sender too.
    const c = chan<number>();
    const d = chan<number>();
    const e = chan<number>();
    // goroutine A
    void (async () => {
      await select([[c, 1], [c, 2], d]);
      await e.put(9);
    })();
    await flush(); // A is queued first on c, twice
    // goroutine B
    const b = c.put(8);
    await flush(); // B is queued on c after A
    await d.put(7); // wakes A: its sends on c go dead
    expect(await takeWithin(e)).toBe(9);
    expect(await takeWithin(c)).toBe(8); // B's value, not one of A's dead sends
    expect(await within(b, 1000, "B's send")).toBe(true);
    expect(c.poll()).toBeUndefined();
  });

  it("Go chan_test.go: TestSelectDuplicateChannel, variant on a full buffered channel", async () => {
    // Dead sends waiting on a full buffer must be skipped when a take makes room.
    const c = chan<number>(1);
    c.offer(0);
    const d = chan<number>();
    const e = chan<number>();
    void (async () => {
      await select([[c, 1], [c, 2], d]);
      await e.put(9);
    })();
    await flush();
    const b = c.put(3);
    await flush();
    await d.put(7);
    expect(await takeWithin(e)).toBe(9);
    expect(await takeWithin(c)).toBe(0); // the buffered value; room moves B's 3 in
    expect(await within(b, 1000, "B's send")).toBe(true);
    expect(c.poll()).toBe(3);
    expect(c.poll()).toBeUndefined(); // A's 1 and 2 were never delivered
  });

  it("Go chan_test.go: TestSelectFairness, variant with a ready send against a ready receive", async () => {
    const trials = 4000;
    const src = chan<number>(1);
    const dst = chan<number>(1);
    let sends = 0;
    let recvs = 0;
    for (let i = 0; i < trials; i++) {
      src.offer(1); // a value to receive (a no-op if it is still there)
      dst.poll(); // room to send
      const r = await select([src, [dst, 2]]);
      if (r.channel === src && r.value === 1) recvs++;
      else if (r.channel === dst && r.value === true) sends++;
    }
    // If the select is fair, sends and receives are chosen about equally: within 10 sigma.
    const mean = trials * 0.5;
    const stddev = Math.sqrt(trials * 0.5 * (1 - 0.5));
    expect(sends + recvs).toBe(trials);
    expect(Math.abs(sends - mean)).toBeLessThanOrEqual(10 * stddev);
  });

  it("Go chan_test.go: TestSelectFairness, variant over three ready channels", async () => {
    const trials = 6000;
    const cs = [chan<number>(1), chan<number>(1), chan<number>(1)];
    const counts = [0, 0, 0];
    for (let i = 0; i < trials; i++) {
      cs.forEach((ch, k) => ch.offer(k));
      const { value } = await select(cs);
      counts[value as number]!++;
    }
    const p = 1 / 3;
    const stddev = Math.sqrt(trials * p * (1 - p));
    for (const cnt of counts) expect(Math.abs(cnt - trials * p)).toBeLessThanOrEqual(10 * stddev);
  });
});

describe("Go test/chan/select.go", () => {
  it("Go select.go: send cases' values are evaluated once per select; nil cases are never chosen", async () => {
    let counter = 0;
    let shift = 0;
    const getValue = () => {
      counter++;
      return 2 ** shift;
    };
    async function send(a: Channel<number> | undefined, b: Channel<number> | undefined) {
      let i = 0;
      for (;;) {
        // Go evaluates every case's value on entry, in source order, nil channel or not.
        const va = getValue();
        const vb = getValue();
        const ops: [Channel<number>, number][] = [];
        if (a !== undefined) ops.push([a, va]);
        if (b !== undefined) ops.push([b, vb]);
        if (ops.length === 0) break; // select([]) throws in sluice: this is Go's default here
        const r = await select(ops, { default: "default" });
        if (r.channel === DEFAULT) break;
        i++;
        if (r.channel === a) a = undefined;
        else b = undefined;
        shift++;
      }
      return i;
    }
    const a = chan<number>(1);
    const b = chan<number>(1);
    expect(await send(a, b)).toBe(2);
    const av = (await a.take()) as number;
    const bv = (await b.take()) as number;
    expect(av | bv).toBe(3);
    expect(await send(a, undefined)).toBe(1);
    expect(counter).toBe(10);
  });
});

describe("Go test/chan/select2.go", () => {
  it("Go select2.go: selects do not consume undue memory (losing handlers are swept)", async () => {
    const n = 4 * MAX_PENDING; // 100,000 in Go
    const c = chan<number>();
    const dummy = chan<number>();
    for (let i = 0; i < n; i++) {
      // The select runs first, so it parks on both channels; the send then wins it, and the
      // take it parked on dummy goes dead.
      const s = select([c, dummy]);
      await c.put(1);
      expect((await s).channel).toBe(c); // the dummy case never fires
    }
    // Every select parked a take on dummy that then lost; were they kept, a take now would
    // hit the pending limit. One more select over dummy still parks.
    const ac = new AbortController();
    const last = select([dummy], { signal: ac.signal });
    ac.abort(new Error("done"));
    await expect(last).rejects.toThrow("done");
  });
});

describe("Go test/chan/select3.go", () => {
  const closedch = chan<number>();
  closedch.close();

  it("Go select3.go: sending to an async channel with free buffer space never blocks", async () => {
    const ch = chan<number>(1);
    expect(await blocks(ch.put(7))).toBe(false);
  });

  it("Go select3.go: receiving from a closed channel never blocks", async () => {
    for (let i = 0; i < 10; i++) {
      expect(await blocks(closedch.take())).toBe(false);
      const x = await closedch.take();
      expect([x, x !== undefined]).toEqual([undefined, false]);
    }
  });

  it("Go select3.go: sending to a closed channel (panics in Go) resolves false", async () => {
    expect(await closedch.put(7)).toBe(false);
  });

  it("Go select3.go: receiving from a non-ready channel always blocks", async () => {
    const ch = chan<number>();
    const ac = new AbortController();
    expect(await blocks(ch.take({ signal: ac.signal }).catch(() => "withdrawn"))).toBe(true);
    ac.abort();
  });

  it("Go select3.go: empty selects (block in Go) throw at the call; with a default they answer it", async () => {
    expect(() => select([])).toThrow(TypeError);
    // API.md (second round): select([], { default: x }) is Go's `select { default: }`.
    expect(await select([], { default: undefined })).toMatchObject({
      channel: DEFAULT,
      value: undefined,
    });
  });

  it("Go select3.go: selects with non-ready non-nil channels always block", async () => {
    const ch = chan<number>();
    const ac = new AbortController();
    const s = select([ch], { signal: ac.signal });
    expect(await blocks(s.catch(() => "withdrawn"))).toBe(true);
    ac.abort(new Error("withdrawn"));
    await expect(s).rejects.toThrow("withdrawn");
    expect(ch.offer(1)).toBe(false); // the withdrawn select took nothing
  });

  it("Go select3.go: selects with ready channels don't block", async () => {
    const ch = chan<number>(1);
    expect(await select([[ch, 7]], { default: "unreachable" })).toMatchObject({
      channel: ch,
      value: true,
    });
    expect(await select([ch], { default: "unreachable" })).toMatchObject({ channel: ch, value: 7 });
  });

  it("Go select3.go: selects with closed channels behave like ordinary operations", async () => {
    expect(await blocks(select([closedch]))).toBe(false);
    expect(await select([closedch])).toMatchObject({ channel: closedch, value: undefined });
    // (and BenchmarkChanClosed: with a default, a closed channel still wins)
    expect(await select([closedch], { default: "unreachable" })).toMatchObject({
      channel: closedch,
      value: undefined,
    });
    // A send case on a closed channel panics in Go; in sluice it is ready and reports false.
    expect(await select([[closedch, 7]])).toMatchObject({ channel: closedch, value: false });
  });

  it("Go select3.go: select should not get confused if it sees itself", async () => {
    const c = chan<number>();
    const ac = new AbortController();
    const s = select([[c, 1], c], { signal: ac.signal });
    expect(await blocks(s.catch(() => "withdrawn"))).toBe(true);
    ac.abort(new Error("withdrawn"));
    await expect(s).rejects.toThrow("withdrawn");
  });
});

describe("Go test/chan/select4.go", () => {
  it("Go select4.go: the ready receive case is the one chosen", async () => {
    const c = chan<number>(1);
    const c1 = chan<number>();
    await c.put(42);
    expect(await select([c1, c])).toMatchObject({ channel: c, value: 42 });
  });
});

describe("Go test/chan/select5.go", () => {
  // select5.go's code for enumerating all possible paths through some logic: the logic calls
  // choose(n) when it wants to choose between n possibilities; on successive runs choose(n)
  // returns 0, 1, ..., n-1. maybe() is choose(2) === 0.
  class Paths {
    private choices: Array<{ i: number; n: number }> = [];
    private cp = -1;
    choose(n: number): number {
      if (this.cp >= this.choices.length) {
        // never asked this before: start with 0.
        this.choices.push({ i: 0, n });
        this.cp = this.choices.length;
        return 0;
      }
      // otherwise give recorded answer
      const c = this.choices[this.cp] as { i: number; n: number };
      if (n !== c.n) throw new Error("inconsistent choices");
      this.cp++;
      return c.i;
    }
    maybe(): boolean {
      return this.choose(2) === 0;
    }
    next(): boolean {
      if (this.cp < 0) {
        // start a new round
        this.cp = 0;
        return true;
      }
      // increment last choice sequence
      this.cp = this.choices.length - 1;
      while (this.cp >= 0) {
        const c = this.choices[this.cp] as { i: number; n: number };
        if (c.i !== c.n - 1) break;
        this.cp--;
      }
      if (this.cp < 0) {
        this.choices = [];
        return false;
      }
      (this.choices[this.cp] as { i: number; n: number }).i++;
      this.choices = this.choices.slice(0, this.cp + 1);
      this.cp = 0;
      return true;
    }
  }

  /** The generator's `arg`: at most one default per select, and MustDefault if none yet. */
  class Arg {
    def = false;
    constructor(readonly paths: Paths) {}
    maybe(): boolean {
      return this.paths.maybe();
    }
    maybeDefault(): boolean {
      if (this.def) return false;
      this.def = this.paths.maybe();
      return this.def;
    }
    mustDefault(): boolean {
      return !this.def;
    }
  }

  /** Runs `template` once per path through its choices; returns how many cases ran. */
  async function generate(template: (a: Arg) => Promise<void>): Promise<number> {
    const paths = new Paths();
    let cases = 0;
    while (paths.next()) {
      await template(new Arg(paths));
      cases++;
    }
    return cases;
  }

  // "channel is buffered so test is single-goroutine. we are not interested in the
  // concurrency aspects of select, just testing that the right calls happen."
  const c = chan<number>(1);
  const dummy = chan<number>();
  let n = 1;

  /** dummy's cases never ran and left nothing behind: no live take and no live put on it. */
  function expectDummyUntouched() {
    expect(dummy.offer(1)).toBe(false);
    expect(dummy.poll()).toBeUndefined();
  }

  /** The select with the optional cases every template adds (dummy and nil channels). */
  function withDummies(a: Arg, ops: Op[]): Op[] {
    if (a.maybe()) ops.push([dummy, 1]); // case dummy <- 1: panic("dummy send")
    if (a.maybe()) ops.push(dummy); // case <-dummy: panic("dummy receive")
    a.maybe(); // case nilch <- 1: a nil channel's case is left out
    a.maybe(); // case <-nilch: likewise
    return ops;
  }

  it("Go select5.go: recv (send n, receive it one way or another, check they match)", async () => {
    // The receive forms differ only in their assignment target in Go (direct, indirect, :=,
    // interface, map element). sluice's select has no targets; its forms that an
    // implementation may rewrite into simpler code are the op's position, a duplicate op, the
    // priority path and the signal path. Each of the five choices takes one of them.
    const cases = await generate(async (a) => {
      await c.put(n);
      let x: number | undefined;
      if (a.maybe()) {
        x = await c.take();
      } else {
        let hasDefault = a.maybeDefault(); // blocking or non-blocking, before the receive
        let ops: Op[] = [];
        let priority = false;
        let signal: AbortSignal | undefined;
        let first = true;
        // Go's 〈.section Maybe〉…〈.or〉 chain: the first form whose maybe() is true.
        const form = a.maybe() ? 0 : a.maybe() ? 1 : a.maybe() ? 2 : a.maybe() ? 3 : 4;
        if (form === 0) {
          ops.push(c);
        } else if (form === 1) {
          first = false; // c goes after the dummy cases
        } else if (form === 2) {
          ops.push(c, c); // the same channel twice
        } else if (form === 3) {
          ops.push(c);
          priority = true;
        } else {
          ops.push(c);
          signal = new AbortController().signal; // a signal that never fires
        }
        if (a.maybeDefault()) hasDefault = true; // non-blocking again, after the receive
        ops = withDummies(a, ops);
        if (!first) ops.push(c);
        const opts: { default?: unknown; priority?: boolean; signal?: AbortSignal } = {};
        if (hasDefault) opts.default = "nonblock";
        if (priority) opts.priority = true;
        if (signal !== undefined) opts.signal = signal;
        const r = await within(select(ops, opts), 1000, "a select with c ready");
        expect(r.channel).toBe(c); // not the default, nor a dummy case
        x = r.value as number;
      }
      expect(x).toBe(n);
      expectDummyUntouched();
      n++;
    });
    // 1 plain receive + 2 (default before) × 5 forms × … : every path ran.
    expect(cases).toBe(1 + 5 * (16 + 2 * 16));
  });

  it("Go select5.go: send (send n one way or another, receive it, check they match)", async () => {
    const cases = await generate(async (a) => {
      if (a.maybe()) {
        expect(await c.put(n)).toBe(true);
      } else {
        let hasDefault = a.maybeDefault(); // blocking or non-blocking, before the send
        const ops: Op[] = [[c, n]];
        if (a.maybeDefault()) hasDefault = true; // blocking or non-blocking, after it
        withDummies(a, ops);
        const r = await within(
          select(ops, hasDefault ? { default: "nonblock" } : undefined),
          1000,
          "a select with room in c",
        );
        expect(r).toMatchObject({ channel: c, value: true });
      }
      expect(await c.take()).toBe(n);
      expectDummyUntouched();
      n++;
    });
    expect(cases).toBe(1 + 16 + 2 * 16);
  });

  it("Go select5.go: nonblock (non-ready cases with a default take the default, touching nothing)", async () => {
    let emptySelects = 0;
    const cases = await generate(async (a) => {
      const x = n;
      const ops: Op[] = [];
      a.maybeDefault();
      if (a.maybe()) ops.push([dummy, 1]); // case dummy <- 1
      a.maybe(); // case nilch <- 1
      if (a.maybe()) ops.push(dummy); // case <-dummy
      if (a.maybe()) ops.push(dummy); // case x = <-dummy
      if (a.maybe()) ops.push(dummy); // case **(**int)(nil) = <-dummy
      a.maybe(); // case <-nilch
      a.maybe(); // case x = <-nilch
      a.maybe(); // case **(**int)(nil) = <-nilch
      a.mustDefault();
      if (ops.length === 0) {
        // Only nil channels and the default: Go takes the default, and so does sluice
        // (API.md, second round: select([], { default })); without one it throws at the call.
        expect(() => select(ops)).toThrow(TypeError);
        const r = await within(select(ops, { default: "default" }), 1000, "an empty select");
        expect(r).toMatchObject({ channel: DEFAULT, value: "default" });
        emptySelects++;
      } else {
        const r = await within(select(ops, { default: "default" }), 1000, "a non-blocking select");
        expect(r).toMatchObject({ channel: DEFAULT, value: "default" });
      }
      expect(x).toBe(n);
      expectDummyUntouched();
      n++;
    });
    expect(cases).toBe(2 * 2 ** 8);
    expect(emptySelects).toBe(2 * 2 ** 4);
  });
});

describe("Go test/chan/select6.go", () => {
  it("Go select6.go: Issue 2075 (a lost select leaves the other waiters on its channel intact)", async () => {
    const c1 = chan<boolean>();
    const c2 = chan<boolean>();
    const c3 = chan<boolean>();
    const g1 = (async () => {
      await c1.take();
    })();
    const g2 = (async () => {
      const r = await select([c1, c2]);
      if (r.channel === c1) throw new Error("dummy");
      await c3.put(true);
      await c1.take();
    })();
    void c2.put(true);
    await c3.take();
    await c1.put(true);
    await c1.put(true);
    await Promise.all([g1, g2]);
  });
});

describe("Go test/chan/select7.go", () => {
  type Recv = (c: Channel<number>) => Promise<void>;
  const recv1: Recv = async (c) => {
    await c.take();
  };
  const recv2: Recv = async (c) => {
    await select([c]);
  };
  const recv3: Recv = async (c) => {
    const c2 = chan<number>();
    await select([c, c2]);
  };
  const send1 = async (recv: Recv) => {
    const c = chan<number>();
    const r = recv(c);
    await Promise.resolve(); // runtime.Gosched()
    await c.put(1);
    await r;
  };
  const send2 = async (recv: Recv) => {
    const c = chan<number>();
    const r = recv(c);
    await Promise.resolve();
    await select([[c, 1]]);
    await r;
  };
  const send3 = async (recv: Recv) => {
    const c = chan<number>();
    const r = recv(c);
    await Promise.resolve();
    const c2 = chan<number>();
    await select([
      [c, 1],
      [c2, 1],
    ]);
    await r;
  };
  for (const [sn, send] of [
    ["send1", send1],
    ["send2", send2],
    ["send3", send3],
  ] as const) {
    for (const [rn, recv] of [
      ["recv1", recv1],
      ["recv2", recv2],
      ["recv3", recv3],
    ] as const) {
      it(`Go select7.go: ${sn}(${rn}) (select when discarding a value)`, async () => {
        await send(recv);
      });
    }
  }
});

describe("Go test/chan/select8.go", () => {
  it("Go select8.go: 1-, 2- and 3-case selects against a sender that sends forever", async () => {
    const ch = chan<number>();
    const sender = (async () => {
      while (await ch.put(5));
    })();
    expect(await select([ch])).toMatchObject({ channel: ch, value: 5 });
    await flush(); // the sender is parked on its next send
    expect(await select([ch], { default: "default" })).toMatchObject({ channel: ch, value: 5 });
    await flush();
    // `case ch <- 10` is unreachable: nobody receives.
    const r = await select([ch, [ch, 10]], { default: "default" });
    expect(r).toMatchObject({ channel: ch, value: 5 });
    ch.close();
    await ch.take(); // the send parked at close is still delivered
    await sender;
  });
});

describe("Go test/chan/doubleselect.go", () => {
  it("Go doubleselect.go: two cases of one select never both run", async () => {
    const iterations = 5000; // 100000 in Go
    const [c1, c2, c3, c4] = [chan<number>(), chan<number>(), chan<number>(), chan<number>()];
    const cmux = chan<number>();
    // sender sends a counter to one of four channels; a value seen twice means two cases ran.
    const sender = (async () => {
      for (let i = 0; i < iterations; i++) {
        await select([
          [c1, i],
          [c2, i],
          [c3, i],
          [c4, i],
        ]);
      }
      for (const c of [c1, c2, c3, c4]) c.close();
    })();
    // mux forwards one of them onto cmux; cmux closes when every mux is done.
    const muxes = [c1, c2, c3, c4].map(async (input) => {
      for await (const v of input) await cmux.put(v);
    });
    void Promise.all(muxes).then(() => cmux.close());
    // recver checks for duplicates
    const seen = new Set<number>();
    const duplicates: number[] = [];
    for await (const v of cmux) {
      if (seen.has(v)) duplicates.push(v);
      seen.add(v);
    }
    await sender;
    expect(duplicates).toEqual([]);
    expect(seen.size).toBe(iterations);
  });
});
