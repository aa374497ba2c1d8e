// Property tests (fast-check): random interleavings of producers and consumers.
import * as fc from "fast-check";
import { Channel, chan, dropping, fixed, select, sliding } from "@sluice/channels";

/** Yields to the microtask queue `n` times: how a test varies interleavings. */
async function yieldTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

const capacity = fc.constantFrom(0, 1, 3, 8);
const delays = fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 30 });

interface Program {
  producers: number[][]; // per producer: yields before each put
  consumers: number[][]; // per consumer: yields before each take (cycled)
  useSelect: boolean;
}

const programs: fc.Arbitrary<Program> = fc.record({
  producers: fc.array(delays, { minLength: 1, maxLength: 4 }),
  consumers: fc.array(delays, { minLength: 1, maxLength: 4 }),
  useSelect: fc.boolean(),
});

/** Runs producers (each putting its own tagged sequence) and consumers; returns what each consumer got. */
async function run(
  ch: Channel<[number, number]>,
  p: Program,
  putOrder: string[] = [],
): Promise<[number, number][][]> {
  const other = chan<[number, number]>(); // a channel nobody uses: select must never commit it
  const producing = p.producers.map(async (waits, id) => {
    for (let seq = 0; seq < waits.length; seq++) {
      await yieldTimes(waits[seq] as number);
      putOrder.push(`${id}:${seq}`);
      if (p.useSelect) {
        const r = await select([[ch, [id, seq]], other]);
        expect(r.channel).toBe(ch);
      } else await ch.put([id, seq]);
    }
  });
  const got: [number, number][][] = p.consumers.map(() => []);
  const consuming = p.consumers.map(async (waits, c) => {
    for (let i = 0; ; i++) {
      await yieldTimes(waits[i % waits.length] as number);
      const v = p.useSelect ? (await select([ch, other])).value : await ch.take();
      if (v === undefined) return;
      got[c]?.push(v as [number, number]);
    }
  });
  await Promise.all(producing);
  ch.close();
  await Promise.all(consuming);
  return got;
}

describe("conservation under random interleavings", () => {
  it("unbuffered and fixed: every value arrives exactly once, each producer's in order", async () => {
    await fc.assert(
      fc.asyncProperty(capacity, programs, async (cap, p) => {
        const got = await run(chan<[number, number]>(cap === 0 ? undefined : fixed(cap)), p);
        const all = got.flat();
        const sent = p.producers.reduce((n, w) => n + w.length, 0);
        expect(all).toHaveLength(sent);
        expect(new Set(all.map(([id, seq]) => `${id}:${seq}`)).size).toBe(sent);
        // Per-producer FIFO holds for each consumer's view, and a single consumer sees it all in order.
        for (const seen of got) {
          const last = new Map<number, number>();
          for (const [id, seq] of seen) {
            expect(seq).toBeGreaterThan(last.get(id) ?? -1);
            last.set(id, seq);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("dropping and sliding: nothing is duplicated, order is kept, and the buffer says what is lost", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("dropping", "sliding"),
        fc.integer({ min: 1, max: 4 }),
        programs,
        async (kind, cap, p) => {
          const buffer =
            kind === "dropping" ? dropping<[number, number]>(cap) : sliding<[number, number]>(cap);
          const putOrder: string[] = [];
          const got = await run(chan(buffer), p, putOrder);
          const all = got.flat();
          const keys = all.map(([id, seq]) => `${id}:${seq}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const seen of got) {
            const last = new Map<number, number>();
            for (const [id, seq] of seen) {
              expect(seq).toBeGreaterThan(last.get(id) ?? -1);
              last.set(id, seq);
            }
          }
          // A dropping buffer never drops the first value put; a sliding one never the last.
          expect(keys).toContain(kind === "sliding" ? putOrder[putOrder.length - 1] : putOrder[0]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("abort racing arrival", () => {
  it("a value is either taken by the aborted take or left for the next; never lost", async () => {
    await fc.assert(
      fc.asyncProperty(
        capacity,
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        async (cap, beforeAbort, beforePut, viaSelect) => {
          const ch = chan<number>(cap);
          const ac = new AbortController();
          const first = viaSelect
            ? select([ch], { signal: ac.signal }).then((r) => r.value as number)
            : ch.take({ signal: ac.signal });
          const outcome = first.then(
            (v) => ({ took: v }),
            () => ({ took: undefined }),
          );
          const racing = [
            (async () => {
              await yieldTimes(beforeAbort);
              ac.abort();
            })(),
            (async () => {
              await yieldTimes(beforePut);
              await ch.put(7);
            })(),
          ];
          const { took } = await outcome;
          if (took === undefined) {
            // The abort won: the value is still there for someone else.
            expect(await ch.take()).toBe(7);
          } else {
            expect(took).toBe(7);
            expect(ch.poll()).toBeUndefined();
          }
          await Promise.all(racing);
        },
      ),
      { numRuns: 200 },
    );
  });
});
