// Whatever a producer puts, the other end takes: every message whole, in order, byte for byte.
// Random sequences of messages whose frame sizes straddle the engines' boundaries (the native
// engine's packed sends up to 8 KiB and lent frames from 8 KiB, its 64 KiB slabs and packed
// batches, its receive slots that grow, libzmq's 33-byte inline messages), strings among the
// Buffers, messages of many frames now and then, put by a producer that bursts with offer() or
// awaits each put, while a consumer takes them. Runs on whichever engine the suite runs on
// (jest.config.js runs this file once per engine).
import * as fc from "fast-check";
import type { Message, Sockets } from "@sluice/zmq-channels";
import { Pump } from "@sluice/zmq-channels";
import { address, takeWithin, within } from "./helpers";

// Sizes around each boundary, and ordinary ones.
const SIZES = [0, 1, 16, 33, 34, 1024, 8191, 8192, 8193, 65535, 65536, 65537, 200_000];

const small = fc.oneof(
  { weight: 3, arbitrary: fc.record({ size: fc.integer({ min: 0, max: 64 }), seed: fc.nat(255) }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);
const part = fc.oneof(
  { weight: 3, arbitrary: small },
  { weight: 1, arbitrary: fc.record({ size: fc.constantFrom(...SIZES), seed: fc.nat(255) }) },
);
const message = fc.oneof(
  { weight: 12, arbitrary: fc.array(part, { minLength: 1, maxLength: 4 }) },
  // many frames: past the first receive slots and a packed batch's layout, packed (small) or not
  { weight: 1, arbitrary: fc.array(small, { minLength: 40, maxLength: 300, size: "max" }) },
  { weight: 1, arbitrary: fc.array(part, { minLength: 40, maxLength: 300, size: "max" }) },
);
const sequence = fc.record({
  messages: fc.array(fc.tuple(message, fc.boolean()), {
    minLength: 1,
    maxLength: 150,
    size: "medium",
  }),
  // how the consumer waits: after each message, or only when recv is empty (poll first)
  pollFirst: fc.boolean(),
});

type Part = { size: number; seed: number } | string;

function frame(p: Part): Buffer | string {
  if (typeof p === "string") return p;
  const b = Buffer.allocUnsafe(p.size);
  for (let i = 0; i < p.size; i++) b[i] = (p.seed + i * 7) & 255;
  return b;
}

const bytes = (f: Buffer | string): Buffer => (typeof f === "string" ? Buffer.from(f) : f);

// The run's bytes stay bounded: a sequence holds at most 4 MiB.
const bounded = (s: { messages: Array<[Part[], boolean]> }): boolean =>
  s.messages.reduce(
    (all, [parts]) => all + parts.reduce((n, p) => n + (typeof p === "string" ? 0 : p.size), 0),
    0,
  ) <=
  4 * 1024 * 1024;

let pumps: Pump[] = [];
afterEach(async () => {
  await Promise.all(pumps.map((p) => p.close()));
  pumps = [];
});

describe.each(["inproc", "tcp"] as const)("random messages over %s", (transport) => {
  for (const kinds of [
    ["push", "pull"],
    ["dealer", "router"],
  ] as const) {
    const [sender, receiver] = kinds;
    it(`${sender.toUpperCase()}→${receiver.toUpperCase()}: every message whole, in order, intact`, async () => {
      const pump = new Pump();
      pumps.push(pump);
      await fc.assert(
        fc.asyncProperty(sequence.filter(bounded), async ({ messages, pollFirst }) => {
          // fresh sockets per run, so that a shrunk counterexample is one on its own
          const to = await pump.socket(receiver, { bind: address(transport) });
          const from = await pump.socket(sender, { connect: to.endpoints[0]! });
          try {
            await exchange(from, to, messages, pollFirst, receiver === "router");
          } finally {
            from.send.close();
            to.send.close();
          }
        }),
        { numRuns: 20 },
      );
    }, 120_000);
  }
});

// Puts `messages` on `from` while taking them from `to`; what is taken is checked against
// frames made anew from each message's description (not the arrays put, which the pump holds).
async function exchange(
  from: Sockets,
  to: Sockets,
  messages: Array<[Part[], boolean]>,
  pollFirst: boolean,
  routed: boolean,
): Promise<void> {
  const producing = (async () => {
    for (const [parts, burst] of messages) {
      const m: Message = parts.length === 1 ? frame(parts[0]!) : parts.map(frame);
      if (!(burst && from.send.offer(m)) && !(await from.send.put(m))) {
        throw new Error("send closed");
      }
    }
  })();
  let peer: Buffer | undefined; // ROUTER: the DEALER's routing id, the same on every message
  for (let i = 0; i < messages.length; i++) {
    const got =
      (pollFirst ? to.recv.poll() : undefined) ??
      (await takeWithin(to.recv, 10_000, `message ${i} of ${messages.length}`));
    let frames = got;
    if (routed) {
      peer ??= got[0];
      expect(got[0]!.equals(peer!)).toBe(true);
      frames = got.slice(1);
    }
    const want = messages[i]![0].map((p) => bytes(frame(p)));
    expect(frames.length).toBe(want.length);
    for (let f = 0; f < want.length; f++) {
      if (!frames[f]!.equals(want[f]!)) {
        throw new Error(
          `message ${i}, frame ${f}: ${frames[f]!.length} bytes, want ${want[f]!.length}`,
        );
      }
    }
  }
  await within(producing, 10_000, "the producer");
}
