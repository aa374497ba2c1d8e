// Nothing accepted is lost, nothing withdrawn goes out: random mixes of puts and transmits,
// some of them aborted at random moments, through a socket kept at its high-water mark by a
// slow consumer (inproc, high-water marks of 1, a `recv` of 1), so messages wait, are given
// back by the engine, and are withdrawn while they wait. Afterwards every put and every
// transmit that resolved has arrived exactly once, in the order they were made; no transmit
// that rejected has. Runs on whichever engine the suite runs on.
import * as fc from "fast-check";
import { chan, promiseChan } from "@sluice/channels";
import { Pump, type Sockets } from "@sluice/zmq-channels";
import { address, pauseThenTake, sleep, within } from "./helpers";

// How one message is sent: a put, or a transmit aborted never or after some delay.
const op = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ put: true as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      abortAfter: fc.constantFrom("never", "now", "microtask", "immediate", "1ms", "3ms"),
    }),
  },
);
const schedule = fc.record({
  ops: fc.array(op, { minLength: 1, maxLength: 40 }),
  // the consumer's pause before each take: 0 (none), a microtask, or a few ms
  pauses: fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: 1, maxLength: 8 }),
});

function abortLater(controller: AbortController, when: string): void {
  const reason = new Error("withdrawn");
  if (when === "now") controller.abort(reason);
  else if (when === "microtask") queueMicrotask(() => controller.abort(reason));
  else if (when === "immediate") setImmediate(() => controller.abort(reason));
  else if (when === "1ms") setTimeout(() => controller.abort(reason), 1);
  else if (when === "3ms") setTimeout(() => controller.abort(reason), 3);
}

let pumps: Pump[] = [];
afterEach(async () => {
  await Promise.all(pumps.map((p) => p.close()));
  pumps = [];
});

for (const [sender, receiver] of [
  ["push", "pull"],
  ["dealer", "router"],
] as const) {
  it(`${sender.toUpperCase()}→${receiver.toUpperCase()} at its high-water mark: puts and resolved transmits arrive once, in order; withdrawn ones never`, async () => {
    const pump = new Pump();
    pumps.push(pump);
    await fc.assert(
      fc.asyncProperty(schedule, async ({ ops, pauses }) => {
        const to = await pump.socket(receiver, {
          bind: address("inproc"),
          options: { receiveHighWaterMark: 1 },
          recv: chan(1),
        });
        const from = await pump.socket(sender, {
          connect: to.endpoints[0]!,
          options: { sendHighWaterMark: 1, linger: 0 },
        });
        try {
          await run(from, to, ops, pauses, receiver === "router");
        } finally {
          from.send.close();
          to.send.close();
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
}

async function run(
  from: Sockets,
  to: Sockets,
  ops: Array<{ put: true } | { abortAfter: string }>,
  pauses: number[],
  routed: boolean,
): Promise<void> {
  // outcome of each message: "put" (must arrive), or its transmit's settlement
  const outcomes: Array<Promise<"arrives" | "withdrawn">> = [];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    const body = `m${i}`;
    if ("put" in o) {
      outcomes.push(from.send.put(body).then((ok) => (ok ? "arrives" : "withdrawn")));
      continue;
    }
    const controller = new AbortController();
    const sent = from.transmit(body, { signal: controller.signal });
    if (o.abortAfter !== "never") abortLater(controller, o.abortAfter);
    outcomes.push(
      sent.then(
        () => "arrives",
        (e: unknown) => {
          if ((e as Error).message !== "withdrawn") throw e; // any other failure fails the run
          return "withdrawn";
        },
      ),
    );
  }
  // the slow consumer: takes until every outcome is known and all that must arrive has
  const got: number[] = [];
  const done = promiseChan<true>();
  void Promise.allSettled(outcomes).then(() => done.put(true));
  let expected = Infinity; // known once every outcome is
  for (let k = 0; got.length < expected; k++) {
    const pause = pauses[k % pauses.length]!;
    const what = `message ${got.length + 1}`;
    const m = await pauseThenTake(to.recv, expected === Infinity ? done : undefined, pause, what);
    if (m === "done") expected = count(await Promise.all(outcomes));
    else got.push(Number(m![routed ? 1 : 0]!.toString().slice(1)));
  }
  const all = await within(Promise.all(outcomes), 5000, "the outcomes");
  await sleep(5); // anything more would arrive now
  expect(to.recv.poll()).toBeUndefined();
  const arrives = all.flatMap((o, i) => (o === "arrives" ? [i] : []));
  expect(got).toEqual(arrives); // exactly these, each once, in the order they were made
}

const count = (s: Array<"arrives" | "withdrawn">): number =>
  s.filter((o) => o === "arrives").length;
