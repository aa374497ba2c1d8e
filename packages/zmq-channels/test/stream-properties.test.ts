// A stream socket carries raw TCP bytes intact both ways: random writes from a plain TCP client
// (node:net), of random sizes and with random pauses, arrive at the stream socket as
// [id, data] messages whose bytes, put together, are the client's; each one echoed back as
// [id, data] reaches the client whole; the connection's arrival and its end each yield
// [id, empty]. Runs on whichever engine the suite runs on.
import * as net from "node:net";
import * as fc from "fast-check";
import { Pump } from "@sluice/zmq-channels";
import { sleep, takeWithin } from "./helpers";

const writes = fc.array(
  fc.record({
    size: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1000, max: 70_000 })),
    seed: fc.nat(255),
    pause: fc.constantFrom(0, 0, 1),
  }),
  { minLength: 1, maxLength: 20 },
);

let pumps: Pump[] = [];
afterEach(async () => {
  await Promise.all(pumps.map((p) => p.close()));
  pumps = [];
});

it("stream: random writes arrive intact, echoes return intact, arrival and end are [id, empty]", async () => {
  const pump = new Pump();
  pumps.push(pump);
  const stream = await pump.socket("stream", { bind: "tcp://127.0.0.1:*" });
  const port = Number(/:(\d+)$/.exec(stream.endpoints[0]!)![1]);
  await fc.assert(
    fc.asyncProperty(writes, async (ws) => {
      const sent = Buffer.concat(
        ws.map(({ size, seed }) => {
          const b = Buffer.allocUnsafe(size);
          for (let i = 0; i < size; i++) b[i] = (seed + i * 13) & 255;
          return b;
        }),
      );
      const client = net.connect(port, "127.0.0.1");
      const echoed: Buffer[] = [];
      let echoedBytes = 0;
      client.on("data", (d: Buffer) => {
        echoed.push(d);
        echoedBytes += d.length;
      });
      try {
        await new Promise<void>((resolve, reject) => {
          client.once("connect", resolve).once("error", reject);
        });
        const [id, arrival] = await takeWithin(stream.recv, 5000, "the arrival");
        expect(arrival!.length).toBe(0);
        // the client writes; the stream side echoes every chunk as it comes
        const writing = (async () => {
          let at = 0;
          for (const { size, pause } of ws) {
            client.write(sent.subarray(at, at + size));
            at += size;
            if (pause === 1) await sleep(1);
          }
        })();
        let got = 0;
        const received: Buffer[] = [];
        while (got < sent.length) {
          const [from, data] = await takeWithin(stream.recv, 5000, `byte ${got} of ${sent.length}`);
          expect(from!.equals(id!)).toBe(true);
          expect(data!.length).toBeGreaterThan(0); // an empty one would be the end
          received.push(data!);
          got += data!.length;
          await stream.send.put([id!, data!]);
        }
        await writing;
        expect(Buffer.concat(received).equals(sent)).toBe(true);
        for (let t = 0; echoedBytes < sent.length && t < 500; t++) await sleep(10);
        expect(Buffer.concat(echoed).equals(sent)).toBe(true);
        // the client ends: the stream socket says so with [id, empty]
        client.end();
        const [gone, end] = await takeWithin(stream.recv, 5000, "the end");
        expect(gone!.equals(id!)).toBe(true);
        expect(end!.length).toBe(0);
      } finally {
        client.destroy();
      }
    }),
    { numRuns: 12 },
  );
}, 120_000);
