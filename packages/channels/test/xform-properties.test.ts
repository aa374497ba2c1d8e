// Property tests (fast-check) of a channel with a transducer: whatever the schedule of producers
// and consumers, and whatever the buffer size, what comes out is the transducer applied to what
// went in, in the order the puts were made (the invariant at the top of src/channel.ts).
import * as fc from "fast-check";
import * as t from "transducers-js";
import { type Transducer, chan, select } from "@sluice/channels";

async function yieldTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

const xforms: Array<[string, () => Transducer]> = [
  ["map", () => t.map((n: number) => n * 10)],
  ["filter", () => t.filter((n: number) => n % 3 !== 0)],
  ["mapcat (expanding)", () => t.mapcat((n: number) => [n, -n])],
  ["partitionAll(3) (completion)", () => t.partitionAll(3)],
  ["take(4) (reduced)", () => t.take(4)],
  [
    "map, mapcat, partitionAll(2)",
    () =>
      t.comp(
        t.map((n: number) => n % 4),
        t.mapcat((n: number) => [n, n]),
        t.partitionAll(2),
      ),
  ],
];

const delays = fc.array(fc.nat({ max: 4 }), { minLength: 0, maxLength: 25 });

describe("a channel with a transducer, under random schedules", () => {
  it.each(xforms)(
    "%s: the output is the xform applied to the inputs in put order",
    async (_, xform) => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.array(delays, { minLength: 1, maxLength: 3 }),
          fc.array(fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 5 }), {
            minLength: 1,
            maxLength: 3,
          }),
          fc.boolean(),
          async (size, producers, consumers, useSelect) => {
            const ch = chan<any>(size, xform());
            const putOrder: number[] = [];
            const taken: unknown[] = [];
            let next = 1;
            const producing = producers.map(async (waits) => {
              for (const w of waits) {
                await yieldTimes(w);
                const v = next++;
                putOrder.push(v);
                if (useSelect) await select([[ch, v]]);
                else await ch.put(v);
              }
            });
            const consuming = consumers.map(async (waits) => {
              for (let i = 0; ; i++) {
                await yieldTimes(waits[i % waits.length] as number);
                const v = useSelect ? (await select([ch])).value : await ch.take();
                if (v === undefined) return;
                taken.push(v);
              }
            });
            await Promise.all(producing);
            ch.close();
            await Promise.all(consuming);
            expect(taken).toEqual(t.into([] as unknown[], xform() as never, putOrder));
          },
        ),
        { numRuns: 60 },
      );
    },
  );
});
