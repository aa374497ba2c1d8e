/*
 * Go's classic channel programs (golang/go test/chan/fifo.go, goroutines.go, sieve1.go,
 * sendstmt.go, zerosize.go, powser1.go), translated to sluice. Each program's own checks
 * (its panics) become expectations.
 *
 * Name map: make(chan T, n) / new(chan T) → chan(n); c <- v (old syntax `c -< v`) →
 * await c.put(v); <-c → await c.take(); select → select, a nil channel's case left out;
 * go f() → an async function called without await.
 *
 * Programs whose goroutines never end (sieve1's generator and filters, powser1's generators)
 * leave tasks parked on channels nobody will touch again. In Go, main's return kills them; in
 * JS they are unreachable promises that hold no timer or handle, so they are collected and jest
 * exits on its own.
 *
 * Not translated, and why:
 *   - perm.go: compile-time checks of channel direction types (chan<-, <-chan); sluice has one
 *     Channel type, and these are errors the Go compiler must report, not runtime behaviour.
 *   - zerosize.go's point (zero-sized element types) has no JS counterpart; its channels of
 *     empty values are made and used.
 *   - sendstmt.go's sendprec (`c <- false || true` parses as a send of true): Go syntax; the
 *     send of the expression's value is translated.
 *   - sieve2.go (a sieve over a heap and a ring of wheel channels): its channel use is the same
 *     daisy chain as sieve1's, which is translated; its container/heap and ring code is not
 *     channel behaviour.
 *   - powser2.go: the same program as powser1.go with interfaces; powser1 is translated.
 *     powser1's printing mode (sys.argc() > 1) and the Tan test commented out in the original
 *     are left out.
 */
import { Channel, chan, select } from "@sluice/channels";

jest.setTimeout(10000);

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

describe("Go test/chan/goroutines.go", () => {
  it("Go goroutines.go: a long chain of tasks, threaded together, torn down cleanly", async () => {
    const n = 2000; // 10000 in Go
    const f = async (left: Channel<number>, right: Channel<number>) => {
      await left.put((await right.take()) as number);
    };
    const leftmost = chan<number>();
    let left = leftmost;
    let right = leftmost;
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      right = chan<number>();
      tasks.push(f(left, right));
      left = right;
    }
    void right.put(1);
    expect(await leftmost.take()).toBe(1);
    await Promise.all(tasks); // every task has finished
  });
});

describe("Go test/chan/sieve1.go", () => {
  it("Go sieve1.go: the prime sieve generates the primes up to 100", async () => {
    // Send the sequence 2, 3, 4, ... to channel 'ch'.
    const generate = async (ch: Channel<number>) => {
      for (let i = 2; ; i++) await ch.put(i);
    };
    // Copy the values from 'input' to 'out', removing those divisible by 'prime'.
    const filter = async (input: Channel<number>, out: Channel<number>, prime: number) => {
      for await (const i of input) if (i % prime !== 0) await out.put(i);
    };
    // The prime sieve: daisy-chain filter processes together.
    const sieve = async (primes: Channel<number>) => {
      let ch = chan<number>();
      void generate(ch);
      for (;;) {
        const prime = (await ch.take()) as number;
        await primes.put(prime);
        const ch1 = chan<number>();
        void filter(ch, ch1, prime);
        ch = ch1;
      }
    };
    const primes = chan<number>();
    void sieve(primes);
    const a = [
      2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
      97,
    ];
    for (const expected of a) expect(await primes.take()).toBe(expected);
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
    expect(r).toEqual({ channel: c, value: true });
    expect(await c.take()).toBe(2);
  });

  it("Go sendstmt.go: sendprec (the expression's value is sent)", async () => {
    const c = chan<boolean>(1);
    // eslint-disable-next-line no-constant-binary-expression
    await c.put(false || true);
    expect(await c.take()).toBe(true);
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

describe("Go test/chan/powser1.go", () => {
  // Power series package (Doug McIlroy's, from Newsqueak): a power series is a demand channel
  // pair, along which rational coefficients flow on request. A denominator of 0 ends a series.
  interface Rat {
    num: number;
    den: number;
  }
  interface Dch {
    req: Channel<number>;
    dat: Channel<Rat>;
  }
  type Dch2 = [Dch, Dch];

  const idiv = (a: number, b: number) => Math.trunc(a / b);
  const gcd = (u: number, v: number): number => {
    if (u < 0) return gcd(-u, v);
    if (u === 0) return v;
    return gcd(v % u, u);
  };
  const i2tor = (u: number, v: number): Rat => {
    const g = gcd(u, v);
    return v > 0 ? { num: idiv(u, g), den: idiv(v, g) } : { num: idiv(-u, g), den: idiv(-v, g) };
  };
  const itor = (u: number) => i2tor(u, 1);
  const zero = itor(0);
  const one = itor(1);
  const finis = i2tor(1, 0);
  const end = (u: Rat) => (u.den === 0 ? 1 : 0);
  const add = (u: Rat, v: Rat) => {
    const g = gcd(u.den, v.den);
    return i2tor(u.num * idiv(v.den, g) + v.num * idiv(u.den, g), u.den * idiv(v.den, g));
  };
  const mul = (u: Rat, v: Rat): Rat => {
    const g1 = gcd(u.num, v.den);
    const g2 = gcd(u.den, v.num);
    return {
      num: idiv(u.num, g1) * idiv(v.num, g2) + 0,
      den: idiv(u.den, g2) * idiv(v.den, g1) + 0,
    };
  };
  const neg = (u: Rat) => i2tor(-u.num, u.den);

  let seqno = 0;
  const mkdch = (): Dch => ({ req: chan<number>(), dat: chan<Rat>() });
  const mkdch2 = (): Dch2 => [mkdch(), mkdch()];

  // split reads a single demand channel and replicates its output onto two, which may be
  // read at different rates. A process is created at first demand for an item and dies after
  // the item has been sent to both outputs.
  async function dosplit(input: Dch, out: Dch2, wait: Channel<number>): Promise<void> {
    let both = false; // do not service both channels
    const r = await select([out[0].req, wait]);
    if (r.channel === wait) {
      both = true;
      const r2 = await select([out[0].req, out[1].req]);
      if (r2.channel === out[1].req) {
        const t = out[0];
        out[0] = out[1];
        out[1] = t;
      }
    }
    seqno++;
    await input.req.put(seqno);
    const release = chan<number>();
    void dosplit(input, out, release);
    const dat = (await input.dat.take()) as Rat;
    await out[0].dat.put(dat);
    if (!both) await wait.take();
    await out[1].req.take();
    await out[1].dat.put(dat);
    await release.put(0);
  }
  async function split(input: Dch, out: Dch2): Promise<void> {
    const release = chan<number>();
    void dosplit(input, out, release);
    await release.put(0);
  }
  async function put(dat: Rat, out: Dch): Promise<void> {
    await out.req.take();
    await out.dat.put(dat);
  }
  async function get(input: Dch): Promise<Rat> {
    seqno++;
    await input.req.put(seqno);
    return (await input.dat.take()) as Rat;
  }
  // Get one item from each of 2 demand channels.
  async function get2(in0: Dch, in1: Dch): Promise<[Rat, Rat]> {
    const ins = [in0, in1];
    const req: Array<Channel<number> | undefined> = [in0.req, in1.req];
    const dat: Array<Channel<Rat> | undefined> = [undefined, undefined];
    const out: Rat[] = [];
    for (let n = 4; n > 0; n--) {
      seqno++;
      const ops: Array<Channel<any> | [Channel<any>, any]> = [];
      if (req[0]) ops.push([req[0], seqno]);
      if (req[1]) ops.push([req[1], seqno]);
      if (dat[0]) ops.push(dat[0]);
      if (dat[1]) ops.push(dat[1]);
      const { channel, value } = await select(ops);
      if (channel === req[0] && value === true) {
        dat[0] = ins[0]!.dat;
        req[0] = undefined;
      } else if (channel === req[1] && value === true) {
        dat[1] = ins[1]!.dat;
        req[1] = undefined;
      } else if (channel === dat[0]) {
        out[0] = value as Rat;
        dat[0] = undefined;
      } else {
        out[1] = value as Rat;
        dat[1] = undefined;
      }
    }
    return [out[0]!, out[1]!];
  }
  async function copy(input: Dch, out: Dch): Promise<never> {
    for (;;) {
      await out.req.take();
      await out.dat.put(await get(input));
    }
  }
  async function repeat(dat: Rat, out: Dch): Promise<never> {
    for (;;) await put(dat, out);
  }

  // Power-series constructors return channels on which power series flow.
  const Rep = (c: Rat): Dch => {
    const Z = mkdch();
    void repeat(c, Z);
    return Z;
  };
  const Split = (U: Dch): Dch2 => {
    const UU = mkdch2();
    void split(U, UU);
    return UU;
  };
  const Add = (U: Dch, V: Dch): Dch => {
    const Z = mkdch();
    void (async () => {
      for (;;) {
        await Z.req.take();
        const uv = await get2(U, V);
        switch (end(uv[0]) + 2 * end(uv[1])) {
          case 0:
            await Z.dat.put(add(uv[0], uv[1]));
            break;
          case 1:
            await Z.dat.put(uv[1]);
            await copy(V, Z);
            break;
          case 2:
            await Z.dat.put(uv[0]);
            await copy(U, Z);
            break;
          case 3:
            await Z.dat.put(finis);
        }
      }
    })();
    return Z;
  };
  // Multiply a power series by a constant.
  const Cmul = (c: Rat, U: Dch): Dch => {
    const Z = mkdch();
    void (async () => {
      let done = false;
      while (!done) {
        await Z.req.take();
        const u = await get(U);
        if (end(u) !== 0) done = true;
        else await Z.dat.put(mul(c, u));
      }
      await Z.dat.put(finis);
    })();
    return Z;
  };
  const Sub = (U: Dch, V: Dch) => Add(U, Cmul(neg(one), V));
  // Multiply: let U = u + x*UU, V = v + x*VV; then UV = u*v + x*(u*VV+v*UU) + x*x*UU*VV.
  const Mul = (U: Dch, V: Dch): Dch => {
    const Z = mkdch();
    void (async () => {
      await Z.req.take();
      const uv = await get2(U, V);
      if (end(uv[0]) !== 0 || end(uv[1]) !== 0) {
        await Z.dat.put(finis);
      } else {
        await Z.dat.put(mul(uv[0], uv[1]));
        const UU = Split(U);
        const VV = Split(V);
        const W = Add(Cmul(uv[0], VV[0]), Cmul(uv[1], UU[0]));
        await Z.req.take();
        await Z.dat.put(await get(W));
        await copy(Add(W, Mul(UU[1], VV[1])), Z);
      }
    })();
    return Z;
  };
  // Differentiate.
  const Diff = (U: Dch): Dch => {
    const Z = mkdch();
    void (async () => {
      await Z.req.take();
      let u = await get(U);
      if (end(u) === 0) {
        let done = false;
        for (let i = 1; !done; i++) {
          u = await get(U);
          if (end(u) !== 0) done = true;
          else {
            await Z.dat.put(mul(itor(i), u));
            await Z.req.take();
          }
        }
      }
      await Z.dat.put(finis);
    })();
    return Z;
  };
  // Integrate, with constant of integration.
  const Integ = (c: Rat, U: Dch): Dch => {
    const Z = mkdch();
    void (async () => {
      await put(c, Z);
      let done = false;
      for (let i = 1; !done; i++) {
        await Z.req.take();
        const u = await get(U);
        if (end(u) !== 0) done = true;
        await Z.dat.put(mul(i2tor(1, i), u));
      }
      await Z.dat.put(finis);
    })();
    return Z;
  };
  // Exponential of a power series with constant term 0: DZ = Z*DU, integrated.
  const Exp = async (U: Dch): Promise<Dch> => {
    const ZZ = mkdch2();
    await split(Integ(one, Mul(ZZ[0], Diff(U))), ZZ);
    return ZZ[1];
  };
  // Monomial substitution U(c x^n): each Ui is multiplied by c^i and followed by n-1 zeros.
  const MonSubst = (U: Dch, c0: Rat, n: number): Dch => {
    const Z = mkdch();
    void (async () => {
      let c = one;
      for (;;) {
        await Z.req.take();
        const u = await get(U);
        await Z.dat.put(mul(u, c));
        c = mul(c, c0);
        if (end(u) !== 0) {
          await Z.dat.put(finis);
          break;
        }
        for (let i = 1; i < n; i++) {
          await Z.req.take();
          await Z.dat.put(zero);
        }
      }
    })();
    return Z;
  };

  const N = 10;
  async function terms(U: Dch, count: number): Promise<Rat[]> {
    const out: Rat[] = [];
    for (let i = 0; i < count; i++) out.push(await get(U));
    return out;
  }
  const same = (c: Rat, count: number) => Array.from({ length: count }, () => c);

  it("Go powser1.go: Ones, Add, Diff, Integ, Cmul, Sub, Mul, Exp and ATan series", async () => {
    const Ones = Rep(one);
    const Twos = Rep(itor(2));
    expect(await terms(Ones, 5)).toEqual(same(one, 5));
    // The original checks 0 terms of these two (its comments show the series).
    expect(await terms(Add(Ones, Ones), 5)).toEqual(same(itor(2), 5));
    expect(await terms(Add(Ones, Twos), 5)).toEqual(same(itor(3), 5));
    expect(await terms(Diff(Ones), N)).toEqual(Array.from({ length: N }, (_, i) => itor(i + 1)));
    expect(await terms(Integ(zero, Ones), N)).toEqual([
      zero,
      ...Array.from({ length: N - 1 }, (_, i) => i2tor(1, i + 1)),
    ]);
    expect(await terms(Cmul(neg(one), Twos), 10)).toEqual(same(itor(-2), 10));
    expect(await terms(Sub(Ones, Twos), 5)).toEqual(same(itor(-1), 5));
    expect(await terms(Mul(Ones, Ones), N)).toEqual(
      Array.from({ length: N }, (_, i) => itor(i + 1)),
    );
    expect(await terms(await Exp(Ones), N)).toEqual([
      itor(1),
      itor(1),
      i2tor(3, 2),
      i2tor(13, 6),
      i2tor(73, 24),
      i2tor(167, 40),
      i2tor(4051, 720),
      i2tor(37633, 5040),
      i2tor(43817, 4480),
      i2tor(4596553, 362880),
    ]);
    const atan: Rat[] = [];
    for (let c = 1, i = 0; i < N; i++) {
      if (i % 2 === 0) atan.push(zero);
      else {
        atan.push(i2tor(c, i));
        c *= -1;
      }
    }
    expect(await terms(Integ(zero, MonSubst(Ones, neg(one), 2)), N)).toEqual(atan);
  });
});
