// The invariants at the top of src/channel.ts, as properties (fast-check): after every step of a
// random program of puts, takes, offers, polls, aborts and a close, on every kind of buffer.
import * as fc from "fast-check";
import { Channel, chan, dropping, fixed, sliding } from "@sluice/channels";
import { flush, watch, type Outcome } from "./helpers";

type Step = { op: "put" | "take" | "offer" | "poll" | "close" } | { op: "abort"; which: number };

const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    fc.record({
      op: fc.constantFrom("put" as const, "take" as const, "offer" as const, "poll" as const),
    }),
    fc.record({ op: fc.constant("close" as const) }),
    fc.record({ op: fc.constant("abort" as const), which: fc.nat({ max: 20 }) }),
  ),
  { minLength: 1, maxLength: 40 },
);

const makers: Array<[string, () => Channel<number>]> = [
  ["unbuffered", () => chan<number>()],
  ["fixed(2)", () => chan<number>(fixed(2))],
  ["dropping(2)", () => chan<number>(dropping(2))],
  ["sliding(2)", () => chan<number>(sliding(2))],
];

describe("channel invariants after every step of a random program", () => {
  it.each(makers)("%s", async (_, make) => {
    await fc.assert(
      fc.asyncProperty(steps, async (program) => {
        const ch = make();
        const puts: Array<{ w: { readonly outcome: Outcome<boolean> }; ac: AbortController }> = [];
        const takes: Array<{
          w: { readonly outcome: Outcome<number | undefined> };
          ac: AbortController;
        }> = [];
        let wasClosed = false;
        let next = 1;
        for (const step of program) {
          const ac = new AbortController();
          if (step.op === "put") puts.push({ w: watch(ch.put(next++, { signal: ac.signal })), ac });
          else if (step.op === "take") takes.push({ w: watch(ch.take({ signal: ac.signal })), ac });
          else if (step.op === "offer") ch.offer(next++);
          else if (step.op === "poll") ch.poll();
          else if (step.op === "close") ch.close();
          else if (step.op === "abort") {
            const all = [...puts, ...takes];
            all[step.which % Math.max(1, all.length)]?.ac.abort();
          }
          await flush();
          const waitingPuts = puts.filter((p) => p.w.outcome.state === "pending").length;
          const waitingTakes = takes.filter((t) => t.w.outcome.state === "pending").length;
          // At most one of the put and take queues holds live operations.
          expect(waitingPuts === 0 || waitingTakes === 0).toBe(true);
          // A value waits in the buffer only while no take waits.
          if (ch.length > 0) expect(waitingTakes).toBe(0);
          // A put waits only while the buffer is full (or there is none).
          if (waitingPuts > 0) expect(ch.length).toBe(ch.capacity);
          // A take waits only while nothing is buffered and the channel is open.
          if (waitingTakes > 0) expect(ch.length === 0 && !ch.closed).toBe(true);
          // closed never goes back to false.
          if (wasClosed) expect(ch.closed).toBe(true);
          wasClosed = ch.closed;
        }
      }),
      { numRuns: 150 },
    );
  });
});
