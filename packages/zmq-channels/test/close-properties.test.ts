// Closing `send` closes the socket once what was put has gone: random runs of puts (awaited,
// or offered in bursts) with `send.close()` at a random point among them, into a peer kept at
// its high-water mark by a slow consumer. Every put that resolved true arrives, once, in
// order; every put after the close resolves false; the socket's `closed` settles and its
// `recv` closes. Runs on whichever engine the suite runs on.
import * as fc from "fast-check";
import { chan, promiseChan } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { address, pauseThenTake, sleep, within } from "./helpers";

const run = fc.record({
  // per message: offered first (a burst) or awaited
  offers: fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
  closeAt: fc.nat(70), // index of the put before which send closes (past the end: after all)
  pauses: fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: 1, maxLength: 6 }),
});

let pumps: Pump[] = [];
afterEach(async () => {
  await Promise.all(pumps.map((p) => p.close()));
  pumps = [];
});

describe.each(["inproc", "tcp"] as const)("closing send over %s", (transport) => {
  for (const [sender, receiver] of [
    ["push", "pull"],
    ["dealer", "router"],
  ] as const) {
    it(`${sender.toUpperCase()}→${receiver.toUpperCase()}: what was accepted goes before the socket closes`, async () => {
      const pump = new Pump();
      pumps.push(pump);
      const to = await pump.socket(receiver, {
        bind: address(transport),
        options: { receiveHighWaterMark: 2 },
        recv: chan(1),
      });
      await fc.assert(
        fc.asyncProperty(run, async ({ offers, closeAt, pauses }) => {
          const from = await pump.socket(sender, {
            connect: to.endpoints[0]!,
            options: { sendHighWaterMark: 2, linger: 5000 },
          });
          const accepted: boolean[] = [];
          const producing = (async () => {
            for (let i = 0; i < offers.length; i++) {
              if (i === closeAt) from.send.close();
              const m = `m${i}`;
              accepted.push((offers[i]! && from.send.offer(m)) || (await from.send.put(m)));
            }
            if (closeAt >= offers.length) from.send.close();
          })();
          const done = promiseChan<true>();
          void producing.finally(() => done.put(true));
          const got: number[] = [];
          let expected = Infinity; // known once the producer is done
          for (let k = 0; got.length < expected; k++) {
            const pause = pauses[k % pauses.length]!;
            const waiting = expected === Infinity ? done : undefined;
            const m = await pauseThenTake(to.recv, waiting, pause, `message ${got.length + 1}`);
            if (m === "done") {
              await producing; // (rejects if the producer failed)
              expected = accepted.filter(Boolean).length;
            } else got.push(Number(m![receiver === "router" ? 1 : 0]!.toString().slice(1)));
          }
          expect(got).toEqual(accepted.flatMap((a, i) => (a ? [i] : [])));
          // nothing was accepted after the close
          expect(accepted.slice(closeAt).some(Boolean)).toBe(false);
          await within(from.closed, 5000, "the socket's close");
          expect(await within(from.recv.take(), 5000, "recv's close")).toBeUndefined();
          await sleep(2);
          expect(to.recv.poll()).toBeUndefined(); // and nothing more arrived
        }),
        { numRuns: 25 },
      );
    }, 120_000);
  }
});
