// Go's classic channel programs, ported: they exercise the core the way Go users do.
import { Channel, chan, select, timeout } from "@sluice/channels";

describe("Go programs", () => {
  // The concurrent prime sieve (golang.org/doc/play/sieve.go): a daisy chain of filters.
  it("the prime sieve finds the first 40 primes", async () => {
    const generate = (ch: Channel<number>) =>
      (async () => {
        for (let i = 2; ; i++) if (!(await ch.put(i))) return;
      })();
    const filter = (input: Channel<number>, output: Channel<number>, prime: number) =>
      (async () => {
        for await (const i of input) if (i % prime !== 0) await output.put(i);
        output.close();
      })();
    const first = chan<number>();
    const tasks = [generate(first)];
    let ch = first;
    const primes: number[] = [];
    for (let i = 0; i < 40; i++) {
      const prime = (await ch.take()) as number;
      primes.push(prime);
      const next = chan<number>();
      tasks.push(filter(ch, next, prime));
      ch = next;
    }
    // Shut the chain down from the front: the generator's next put fails, and each filter,
    // seeing its input closed and drained, closes its output. Drain the last output meanwhile.
    first.close();
    for await (const _ of ch);
    await Promise.all(tasks);
    expect(primes.slice(0, 10)).toEqual([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    expect(primes[39]).toBe(173);
  });

  // After runtime/chan_test.go TestSelectStress: senders and receivers, some plain and some by
  // select, on channels of capacities 0 and 10; every channel carries exactly N values.
  it("select stress: plain and select senders and receivers on mixed capacities", async () => {
    const N = 2000;
    const chs = [chan<number>(), chan<number>(), chan<number>(10), chan<number>(10)];
    const tasks: Promise<void>[] = [];
    // One plain sender and one plain receiver per channel.
    chs.forEach((c) => {
      tasks.push(
        (async () => {
          for (let i = 0; i < N; i++) await c.put(i);
        })(),
      );
    });
    const received = chs.map(() => 0);
    chs.forEach((c, k) => {
      tasks.push(
        (async () => {
          for (let i = 0; i < N; i++) {
            await c.take();
            received[k]!++;
          }
        })(),
      );
    });
    // A select sender: sends N more to each channel, dropping a channel from the op list
    // (Go sets it to nil) once it has sent N on it.
    tasks.push(
      (async () => {
        const sent = chs.map(() => 0);
        for (;;) {
          const ops = chs.filter((_, k) => (sent[k] as number) < N).map((c) => [c, 1] as const);
          if (ops.length === 0) return;
          const r = await select(ops);
          sent[chs.indexOf(r.channel as Channel<number>)]!++;
        }
      })(),
    );
    // A select receiver: receives N more from each channel.
    tasks.push(
      (async () => {
        const got = chs.map(() => 0);
        for (;;) {
          const ops = chs.filter((_, k) => (got[k] as number) < N);
          if (ops.length === 0) return;
          const r = await select(ops);
          const k = chs.indexOf(r.channel as Channel<number>);
          got[k]!++;
          received[k]!++;
        }
      })(),
    );
    await Promise.all(tasks);
    expect(received).toEqual(chs.map(() => 2 * N));
    chs.forEach((c) => expect(c.poll()).toBeUndefined());
  });

  // After TestNonblockRecvRace-style programs: select with default never blocks and never
  // loses a value when it races with a sender.
  it("a default select racing a sender never loses a value", async () => {
    const c = chan<number>(1);
    let got = 0;
    const sender = (async () => {
      for (let i = 0; i < 1000; i++) await c.put(i);
    })();
    while (got < 1000) {
      const r = await select([c], { default: null });
      if (r.value !== null) got++;
      else await Promise.resolve();
    }
    await sender;
    expect(c.poll()).toBeUndefined();
  });

  // time.After in a loop: the classic "for { select { case v := <-c: ... case <-time.After(d) } }".
  it("a loop over select with a fresh timeout each round ends on the timeout", async () => {
    const c = chan<number>();
    const sender = (async () => {
      for (let i = 0; i < 5; i++) await c.put(i);
    })();
    const got: number[] = [];
    for (;;) {
      const r = await select([c, timeout(20)]);
      if (r.channel !== c) break;
      got.push(r.value as number);
    }
    await sender;
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  // The worker pool from "Go by Example": jobs fan out, results fan in, with a timeout guard.
  it("a worker pool with a results channel and a timeout guard", async () => {
    const jobs = chan<number>(100);
    const results = chan<number>(100);
    const workers = [1, 2, 3].map(async () => {
      for await (const j of jobs) await results.put(j * 2);
    });
    for (let j = 1; j <= 9; j++) await jobs.put(j);
    jobs.close();
    let sum = 0;
    // A guard like timeout(5000), but one the test can cancel so jest need not wait for it.
    const guard = chan<never>();
    const timer = setTimeout(() => guard.close(), 5000);
    for (let i = 0; i < 9; i++) {
      const r = await select([results, guard]);
      expect(r.channel).toBe(results);
      sum += r.value as number;
    }
    await Promise.all(workers);
    clearTimeout(timer);
    expect(sum).toBe(90);
  });
});
