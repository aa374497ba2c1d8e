/*
 * Go's select and non-blocking channel programs (golang/go test/chan/select.go, select2.go,
 * select3.go, select4.go, select6.go, select7.go, select8.go, doubleselect.go, nonblock.go),
 * translated to sluice. Each program's checks become expectations; panics become failures.
 *
 * Name map: make(chan T, n) → chan(n); c <- v → await c.put(v); <-c → await c.take();
 * select { … default: } → select(ops, { default }); a nil channel's case → the op is left
 * out; go f() → an async function called without await; runtime.Gosched() →
 * await Promise.resolve(); a short time.Sleep to let goroutines park → flush(). nonblock.go's
 * pre-Go 1 forms `ok = c <- v` and `v, ok = <-c` (non-blocking send and receive) → offer/poll.
 * select3.go's testBlock(always, f) → f's promise is still pending once the event loop has run
 * everything it can; it is then withdrawn with an AbortSignal (or its channel closed).
 *
 * Where sluice deliberately differs (API.md), the test checks sluice's documented behaviour:
 *   - Sending on a closed channel panics in Go; in sluice the put resolves `false`, and a
 *     select put on a closed channel is ready with value `false` (select3).
 *   - An empty select blocks forever in Go, and `select { default: }` takes the default; in
 *     sluice `select([])` throws a TypeError at the call, and `select([], { default })` takes
 *     the default, as Go does (API.md, second round). So a select
 *     whose every case is a nil channel is translated as "no select": select.go's last round
 *     (both channels nil) goes straight to its default branch, and select3's nil-channel-only
 *     selects are checked as the TypeError.
 *
 * Not translated, and why:
 *   - Operations on a nil channel outside a select (select3: `nilch <- 7`, `<-nilch` block
 *     forever): sluice has no nil channel.
 *   - select4's check that the receive's assignment target (`*f() = <-c1`) is evaluated only
 *     for the chosen case: JS has no select-case assignment targets; the select itself is.
 *   - select5.go: a generator of Go programs covering every select statement form and its
 *     evaluation order; its forms are Go syntax. The semantics it checks (one case runs;
 *     channel and value expressions evaluated once, in order, on entry) are in select.go here.
 *   - select8.go's `break` inside select cases: Go syntax; its selects are translated.
 *   - select2.go measures heap growth with runtime.ReadMemStats; JS tests cannot measure the
 *     heap reliably. Translated as the observable consequence: losing selects' handlers do not
 *     pile up on the never-ready channel (else MAX_PENDING would throw).
 */
import { Channel, DEFAULT, MAX_PENDING, chan, select } from "@sluice/channels";
import { flush, watch } from "../helpers";

jest.setTimeout(10000);

/** select3.go's testBlock: does `p` stay pending once everything runnable has run? */
async function blocks(p: Promise<unknown>): Promise<boolean> {
  const w = watch(p);
  await flush();
  await flush();
  return w.outcome.state === "pending";
}

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
    expect(await select([], { default: undefined })).toEqual({
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
    expect(await select([[ch, 7]], { default: "unreachable" })).toEqual({
      channel: ch,
      value: true,
    });
    expect(await select([ch], { default: "unreachable" })).toEqual({ channel: ch, value: 7 });
  });

  it("Go select3.go: selects with closed channels behave like ordinary operations", async () => {
    expect(await blocks(select([closedch]))).toBe(false);
    expect(await select([closedch])).toEqual({ channel: closedch, value: undefined });
    // (and BenchmarkChanClosed: with a default, a closed channel still wins)
    expect(await select([closedch], { default: "unreachable" })).toEqual({
      channel: closedch,
      value: undefined,
    });
    // A send case on a closed channel panics in Go; in sluice it is ready and reports false.
    expect(await select([[closedch, 7]])).toEqual({ channel: closedch, value: false });
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
    expect(await select([c1, c])).toEqual({ channel: c, value: 42 });
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
    expect(await select([ch])).toEqual({ channel: ch, value: 5 });
    await flush(); // the sender is parked on its next send
    expect(await select([ch], { default: "default" })).toEqual({ channel: ch, value: 5 });
    await flush();
    // `case ch <- 10` is unreachable: nobody receives.
    const r = await select([ch, [ch, 10]], { default: "default" });
    expect(r).toEqual({ channel: ch, value: 5 });
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
