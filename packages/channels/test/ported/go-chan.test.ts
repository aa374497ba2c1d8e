/*
 * Go's runtime channel tests (golang/go src/runtime/chan_test.go), translated to sluice.
 *
 * Name map: make(chan T, n) → chan(n); c <- v → await c.put(v); <-c → await c.take();
 * v, ok := <-c → v = await c.take(), ok = v !== undefined; select { … default: } →
 * select(ops, { default }); a nil channel in a select → the op is left out; go f() → an async
 * function called without await (it runs at once, up to its first await, like go(fn));
 * runtime.Gosched() → await Promise.resolve(); time.Sleep(time.Millisecond) "let the others
 * get parked" → flush() (one macrotask turn: every runnable task has run); sync.WaitGroup →
 * Promise.all. Go's zero value on a closed channel is `undefined` here.
 *
 * Counts are scaled down (as Go's own testing.Short() does) to keep the file fast.
 *
 * Not translated, and why:
 *   - TestChan "Test len/cap": sluice's Channel has no len/cap (not in API.md).
 *   - TestNoShrinkStackWhileParking, and the stack-growth/runtime.GC parts of
 *     TestShrinkStackDuringBlockedSend and TestSelectStackAdjust: goroutine stacks and GC
 *     have no JS counterpart. Their channel behaviour (values in order across a parked send;
 *     close waking selects that hold the same channel twice) is translated.
 *   - "sending to a closed channel panics" has no place in these tests; see go-select.test.ts.
 *   - Benchmark*: speed lives in bench/. BenchmarkChanClosed's fact (a select with default on a
 *     closed channel never takes the default) is tested in go-select.test.ts (select3).
 *   - Races that need GOMAXPROCS > 1 (TestNonblockRecvRace, TestNonblockSelectRace*) are
 *     translated as both interleavings a single thread allows: the goroutine's select runs
 *     before, or after, the main task's next steps.
 */
import { DEFAULT, Channel, chan, select } from "@sluice/channels";
import { flush } from "../helpers";

jest.setTimeout(10000);

/** Starts `fn` on a later macrotask, like a goroutine that the scheduler runs later. */
function goLater(fn: () => Promise<void> | void): Promise<void> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      Promise.resolve().then(fn).then(resolve, reject);
    });
  });
}

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
        const r = await select([[out, b], done]);
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

  it("Go: TestChanSendInterface", async () => {
    const m = {};
    const c = chan<object>(1);
    await c.put(m);
    expect(await select([[c, m]], { default: null })).toEqual({ channel: DEFAULT, value: null });
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
    expect(await r1).toEqual({ channel: d, value: undefined });
    expect(await r2).toEqual({ channel: d, value: undefined });
    // c saw nothing: a later put on it finds no live taker.
    expect(c.offer(1)).toBe(false);
  });
});
