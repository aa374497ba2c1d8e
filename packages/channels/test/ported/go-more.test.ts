/*
 * More of Go's channel tests, translated to sluice (those not in go-chan.test.ts,
 * go-select.test.ts or go-programs.test.ts):
 *
 *   golang/go test/chan/select5.go        (a generator of send/receive/select forms)
 *   golang/go test/closedchan.go          (operations on closed channels, direct and by select)
 *   golang/go test/chan/sieve2.go         (a prime sieve over a heap of channels and a proxy)
 *   golang/go test/ken/chan.go            (senders and receivers, direct and by select)
 *   golang/go test/ken/chan1.go           (one sender, ten select receivers, a buffer of 2)
 *   golang/go src/runtime/chanbarrier_test.go (TestChanSendBarrier, TestChanSendSelectBarrier)
 *   golang/go src/runtime/chan_test.go    (TestPseudoRandomSend with chanCap 0, and variants of
 *                                          TestSelectDuplicateChannel and TestSelectFairness)
 *
 * Name map (as in the other ported files): make(chan T, n) → chan(n); c <- v → await
 * c.put(v); <-c → await c.take(); v, ok := <-c → v = await c.take(), ok = v !== undefined;
 * select { … default: } → select(ops, { default }); a nil channel's case → the op is left out;
 * go f() → an async function called without await; runtime.Gosched() → await
 * Promise.resolve(); a short time.Sleep to let goroutines park → flush(). Go's zero value on a
 * closed channel is `undefined` here.
 *
 * Where sluice deliberately differs from Go (API.md), the test checks the documented behaviour:
 *   - A send on a closed channel panics in Go; in sluice the put resolves `false` and a select
 *     put on a closed channel is ready with value `false` (closedchan.go).
 *   - Closing a closed channel panics in Go; in sluice close() is idempotent (closedchan.go).
 *   - A select whose every case is a nil channel: `select([])` throws a TypeError (select5.go);
 *     with a default it takes the default, as Go does.
 *
 * Not translated, and why:
 *   - select5.go's recvOrder and sendOrder templates check Go's evaluation order of case
 *     operands (channel expressions, send values and assignment targets). In sluice those are
 *     JavaScript expressions evaluated when the ops array is built, before select is called;
 *     there is nothing of sluice's to check beyond the recv and send templates.
 *   - closedchan.go's `close(nil channel)` panic: sluice has no nil channel.
 *   - chanbarrier_test.go's garbage (makeByte) exists to drive Go's GC write barriers.
 *   - test/chancap.go and TestChan's len/cap: sluice's Channel has no len/cap (not in API.md).
 */
import { Channel, DEFAULT, chan, select } from "@sluice/channels";
import { flush, takeWithin, within } from "../helpers";

jest.setTimeout(10000);

/** runtime.Gosched(), r times. */
async function gosched(r: number): Promise<void> {
  for (; r >= 0; r--) await Promise.resolve();
}

const randInt = (n: number) => Math.floor(Math.random() * n);

type Op = Channel<any> | [Channel<any>, any];

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
        expect(r).toEqual({ channel: c, value: true });
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
        expect(r).toEqual({ channel: DEFAULT, value: "default" });
        emptySelects++;
      } else {
        const r = await within(select(ops, { default: "default" }), 1000, "a non-blocking select");
        expect(r).toEqual({ channel: DEFAULT, value: "default" });
      }
      expect(x).toBe(n);
      expectDummyUntouched();
      n++;
    });
    expect(cases).toBe(2 * 2 ** 8);
    expect(emptySelects).toBe(2 * 2 ** 4);
  });
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
    expect(woken).toEqual([
      undefined,
      undefined,
      { channel: r, value: undefined },
      { channel: r, value: undefined },
    ]);
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
      { channel: s, value: true },
      { channel: s, value: true },
    ]);
    expect(await s.take()).toBeUndefined(); // drained: now it reads as closed
    expect(await s.put(4)).toBe(false);
    // A select that waits with both a send and a receive on the channel (TestSelfSelect's
    // shape) wakes on its receive, as in Go; its send is dead and never delivered.
    const both = chan<number>();
    const self = select([[both, 5], both]);
    await flush();
    both.close();
    expect(await within(self, 1000, "the select")).toEqual({ channel: both, value: undefined });
    expect(await both.take()).toBeUndefined();
  });
});

describe("Go test/chan/sieve2.go", () => {
  it("Go sieve2.go: the Eratosthenesque sieve over a heap of multiples generates the primes up to 100", async () => {
    // Return a chan of odd numbers, starting from 5.
    const odds = () => {
      const out = chan<number>(50);
      void (async () => {
        for (let n = 5; await out.put(n); n += 2);
      })();
      return out;
    };
    // Return a chan of odd multiples of the prime number p, starting from p*p.
    const multiples = (p: number) => {
      const out = chan<number>(10);
      void (async () => {
        for (let n = p * p; await out.put(n); n += 2 * p);
      })();
      return out;
    };
    interface PeekCh {
      head: number;
      ch: Channel<number>;
    }
    // Heap of PeekCh, sorting by head values (container/heap).
    class PeekChHeap {
      private a: PeekCh[] = [];
      push(x: PeekCh) {
        const a = this.a;
        a.push(x);
        for (let i = a.length - 1; i > 0;) {
          const p = (i - 1) >> 1;
          if ((a[p] as PeekCh).head <= (a[i] as PeekCh).head) break;
          [a[p], a[i]] = [a[i] as PeekCh, a[p] as PeekCh];
          i = p;
        }
      }
      pop(): PeekCh {
        const a = this.a;
        const top = a[0] as PeekCh;
        const last = a.pop() as PeekCh;
        if (a.length > 0) {
          a[0] = last;
          for (let i = 0; ;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < a.length && (a[l] as PeekCh).head < (a[m] as PeekCh).head) m = l;
            if (r < a.length && (a[r] as PeekCh).head < (a[m] as PeekCh).head) m = r;
            if (m === i) break;
            [a[m], a[i]] = [a[i] as PeekCh, a[m] as PeekCh];
            i = m;
          }
        }
        return top;
      }
    }
    // Return a channel to serve as a sending proxy to 'out'. A task receives values from the
    // proxy and stores them in an expanding queue, so that sending to 'out' never blocks.
    const sendproxy = (out: Channel<number>) => {
      const proxy = chan<number>(10);
      void (async () => {
        const queue: number[] = [];
        for (;;) {
          // buffer empty: disable output (a nil channel's case is left out)
          const ops: Op[] = queue.length === 0 ? [proxy] : [proxy, [out, queue[0]]];
          const r = await select(ops);
          if (r.channel === proxy) {
            if (r.value === undefined) return;
            queue.push(r.value as number);
          } else {
            queue.shift();
          }
        }
      })();
      return proxy;
    };
    // Return a chan int of primes.
    const Sieve = () => {
      // The output values.
      const out = chan<number>(10);
      out.offer(2);
      out.offer(3);
      // The channel of all composites to be eliminated in increasing order.
      const composites = chan<number>(50);
      // The feedback loop.
      const primes = chan<number>(10);
      primes.offer(3);
      // Merge channels of multiples of 'primes' into 'composites'.
      void (async () => {
        const h = new PeekChHeap();
        let min = 15;
        for (;;) {
          const m = multiples((await primes.take()) as number);
          const head = (await m.take()) as number;
          while (min < head) {
            await composites.put(min);
            const minchan = h.pop();
            min = minchan.head;
            minchan.head = (await minchan.ch.take()) as number;
            h.push(minchan);
          }
          while (min === head) {
            const minchan = h.pop();
            min = minchan.head;
            minchan.head = (await minchan.ch.take()) as number;
            h.push(minchan);
          }
          await composites.put(head);
          h.push({ head: (await m.take()) as number, ch: m });
        }
      })();
      // Sieve out 'composites' from 'candidates'.
      void (async () => {
        // The merging task receives from 'primes' much slower than this one sends to it;
        // the proxy buffers, so this task never deadlocks on it.
        const primesProxy = sendproxy(primes);
        const candidates = odds();
        let p = (await candidates.take()) as number;
        for (;;) {
          const c = (await composites.take()) as number;
          while (p < c) {
            await primesProxy.put(p);
            await out.put(p);
            p = (await candidates.take()) as number;
          }
          if (p === c) p = (await candidates.take()) as number;
        }
      })();
      return out;
    };

    // The tasks run forever, as in Go; when the test ends they stay parked on channels that
    // nobody touches again (no timer or handle), and are collected.
    const primes = Sieve();
    const a = [
      2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
      97,
    ];
    const got: Array<number | undefined> = [];
    for (let i = 0; i < a.length; i++) got.push(await takeWithin(primes));
    expect(got).toEqual(a);
  });
});

describe("Go test/ken/chan.go", () => {
  it("Go ken/chan.go: direct and select senders and receivers, buffer sizes 0, 1, 10, 100", async () => {
    const End = 10000;
    let tots = 0;
    let totr = 0;
    const failures: string[] = [];
    let c: Channel<number>[] = [];

    const expectv = (v: number, v0: number): number => {
      if (v === v0) return v % 100 === 75 ? End : v + 1;
      failures.push(`got ${v} expected ${v0}`);
      return End;
    };

    async function send(ch: Channel<number>, v0: number) {
      for (;;) {
        await gosched(randInt(10));
        await ch.put(v0);
        tots++;
        v0 = expectv(v0, v0);
        if (v0 === End) break;
      }
    }
    async function selsend() {
      let a = 4; // local chans running
      const v = [100, 200, 300, 400];
      // local copies of the chans, so we can nil them out
      const l: Array<Channel<number> | undefined> = [...c];
      for (;;) {
        await gosched(randInt(5));
        const ops: Op[] = [];
        for (let k = 0; k < 4; k++) {
          const lk = l[k];
          if (lk !== undefined) ops.push([lk, v[k]]);
        }
        const { channel } = await select(ops);
        const k = l.indexOf(channel as Channel<number>);
        v[k] = expectv(v[k] as number, v[k] as number);
        if (v[k] === End) {
          l[k] = undefined;
          a--;
        }
        tots++;
        if (a === 0) break;
      }
    }
    async function recv(ch: Channel<number>, v0: number) {
      for (let i = 0; i < 100; i++) {
        await gosched(randInt(10));
        const v = (await ch.take()) as number;
        totr++;
        v0 = expectv(v0, v);
        if (v0 === End) break;
      }
    }
    async function selrecv() {
      let a = 4; // local chans running
      const v = [100, 200, 300, 400];
      for (;;) {
        await gosched(randInt(5));
        const { channel, value } = await select(c);
        const k = c.indexOf(channel as Channel<number>);
        v[k] = expectv(v[k] as number, value as number);
        if (v[k] === End) a--;
        totr++;
        if (a === 0) break;
      }
    }

    const mkchan = (size: number) => {
      c = [chan<number>(size), chan<number>(size), chan<number>(size), chan<number>(size)];
    };
    const starts = [100, 200, 300, 400];
    for (const size of [0, 1, 10, 100]) {
      // direct send to direct recv
      mkchan(size);
      const chs1 = c;
      await within(
        Promise.all(starts.flatMap((v0, k) => [send(chs1[k]!, v0), recv(chs1[k]!, v0)])),
        3000,
        `test1 (buffer ${size})`,
      );
      // direct send to select recv
      mkchan(size);
      const chs2 = c;
      await within(
        Promise.all([...starts.map((v0, k) => send(chs2[k]!, v0)), selrecv()]),
        3000,
        `test2 (buffer ${size})`,
      );
      // select send to direct recv
      mkchan(size);
      const chs3 = c;
      await within(
        Promise.all([...starts.map((v0, k) => recv(chs3[k]!, v0)), selsend()]),
        3000,
        `test3 (buffer ${size})`,
      );
    }
    expect(failures).toEqual([]);
    expect([tots, totr]).toEqual([3648, 3648]);
  });
});

describe("Go test/ken/chan1.go", () => {
  it("Go ken/chan1.go: each value sent once is received once, by one of ten select receivers", async () => {
    const N = 1000; // sent messages
    const M = 10; // receiving goroutines
    const W = 2; // channel buffering
    const h = new Array<number>(N).fill(0); // marking of send/recv
    const failures: string[] = [];
    async function r(c: Channel<number>, m: number) {
      for (;;) {
        const { value } = await select([c]);
        // The Go receivers loop forever; here they stop when the channel is closed at the end.
        if (value === undefined) return;
        if (h[value] !== 1) failures.push(`r m=${m} r=${value} h=${h[value]}`);
        h[value] = 2;
      }
    }
    async function s(c: Channel<number>) {
      for (let n = 0; n < N; n++) {
        if (h[n] !== 0) failures.push(`s ${n}`);
        h[n] = 1;
        await c.put(n);
      }
    }
    const c = chan<number>(W);
    const receivers: Promise<void>[] = [];
    for (let m = 0; m < M; m++) {
      receivers.push(r(c, m));
      await Promise.resolve();
    }
    await Promise.resolve();
    await Promise.resolve();
    await within(s(c), 3000, "the sender");
    c.close();
    await within(Promise.all(receivers), 1000, "the receivers");
    expect(failures).toEqual([]);
    expect(h.every((x) => x === 2)).toBe(true);
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

describe("Go runtime/chan_test.go (cases not in go-chan.test.ts)", () => {
  it("Go chan_test.go: TestPseudoRandomSend (unbuffered, chanCap 0)", async () => {
    // A select with two sends on one unbuffered channel. The receiver yields before each
    // receive (Go's runtime.Gosched()) so that the sender gets into its select first: on an
    // unbuffered channel that means both sends are parked (select's pass 2), and the receiver
    // meets whichever the channel queued first, which must be either about as often. (A
    // yield of one microtask would let the receiver wait first, and pass 1's random order
    // would decide instead: that is the buffered case, in go-chan.test.ts.)
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
