// Requests in flight over one DEALER, from `window` tasks at once, each waiting for its own reply:
// sluice's requester() against plain zeromq.js code that does the same correlation by hand (an
// id frame before the delimiter, a Map of pending requests, one receive loop, a send queue since
// zeromq.js allows one pending send, and a timer per request as the requester arms one). The
// echo server is the same variant's ROUTER echo (peer.ts), which sends the envelope back.
import * as zmq from "zeromq";
import { Pump, requester, type PumpEngine } from "@sluice/zmq-channels";
import { indexOf, message, type VariantName } from "./variant";

/** A DEALER client that runs n round trips with `window` of them in flight. */
export interface InFlightClient {
  /** round trips 1..n; the sum of the indices the replies carried */
  run(n: number, window: number): Promise<{ sum: number; seconds: number }>;
  close(): Promise<void>;
}

const TIMEOUT_MS = 2500; // the requester's default, armed per request by both variants

/** `window` tasks taking the next index until n, each awaiting `trip(i)`; sums the replies. */
async function windowed(n: number, window: number, trip: (i: number) => Promise<Buffer>) {
  let next = 1;
  let sum = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(window, n) }, async () => {
      while (next <= n) {
        const reply = await trip(next++);
        sum += indexOf(reply); // after the await: `sum +=` would read sum before it
      }
    }),
  );
  return { sum, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function sluice(connect: string, engine: PumpEngine): Promise<InFlightClient> {
  const pump = new Pump({ engine });
  const dealer = await pump.socket("dealer", { connect });
  const client = requester(dealer);
  return {
    run: (n, window) =>
      windowed(n, window, async (i) => (await client.request(message(i, 16)))[0]!),
    close: () => pump.close(),
  };
}

async function plain(connect: string): Promise<InFlightClient> {
  const s = new zmq.Dealer({ linger: 0 });
  s.connect(connect);
  const pending = new Map<number, (body: Buffer) => void>();
  let lastId = 0;
  // One receive loop hands each reply to the request that sent its id.
  const reading = (async () => {
    try {
      for (;;) {
        const [id, , body] = await s.receive();
        const key = id!.readUInt32BE(0);
        const resolve = pending.get(key);
        pending.delete(key);
        resolve?.(body!);
      }
    } catch {
      // closed
    }
  })();
  // zeromq.js allows one pending send: the tasks take turns.
  let sending: Promise<void> = Promise.resolve();
  const request = (body: Buffer) =>
    new Promise<Buffer>((resolve, reject) => {
      const key = (lastId = (lastId + 1) >>> 0);
      const id = Buffer.allocUnsafe(4);
      id.writeUInt32BE(key, 0);
      const timer = setTimeout(() => {
        pending.delete(key);
        reject(new Error("plain: no reply in time"));
      }, TIMEOUT_MS);
      pending.set(key, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      sending = sending.then(() => s.send([id, "", body]));
      sending.catch(reject);
    });
  return {
    run: (n, window) => windowed(n, window, (i) => request(message(i, 16))),
    async close() {
      s.close();
      await reading;
    },
  };
}

export const IN_FLIGHT: Record<VariantName, (connect: string) => Promise<InFlightClient>> = {
  "sluice native": (connect) => sluice(connect, "native"),
  "sluice on zeromq.js": (connect) => sluice(connect, "zeromq"),
  "plain zeromq.js": plain,
};
