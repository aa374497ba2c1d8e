// A request gets its own reply or a clear rejection, never another request's reply: random
// batches of concurrent requests over a DEALER to a ROUTER served with concurrency, each
// answered after a delay of its own, with random per-try timeouts, retries and aborts, so
// replies arrive late, to tries that were retried, and to requests already withdrawn.
// Runs on whichever engine the suite runs on.
import * as fc from "fast-check";
import { Pump, TimeoutError, requester, serve } from "@sluice/zmq-channels";
import { address, sleep, within } from "./helpers";

const call = fc.record({
  delay: fc.integer({ min: 0, max: 25 }), // how long the server takes to answer it (ms)
  timeout: fc.integer({ min: 3, max: 40 }), // per try (ms)
  retries: fc.integer({ min: 0, max: 2 }),
  abortAfter: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
});

let pumps: Pump[] = [];
afterEach(async () => {
  await Promise.all(pumps.map((p) => p.close()));
  pumps = [];
});

// client kind → the server kinds it is tried against
const PAIRS = [
  ["dealer", "router"],
  ["req", "router"],
  ["req", "rep"],
] as const;

describe.each(["inproc", "tcp"] as const)("requests over %s", (transport) => {
  it.each(PAIRS)(
    "%s to %s: each resolves with its own reply, or rejects with a TimeoutError or its abort reason",
    async (client, server) => {
      const pump = new Pump();
      pumps.push(pump);
      const serving = await pump.socket(server, { bind: address(transport) });
      // the request's frame: "<id>:<delay>"; the reply: "re:<id>" after that delay
      void serve(
        serving,
        async ([body]) => {
          const [id, delay] = body!.toString().split(":");
          await sleep(Number(delay));
          return `re:${id}`;
        },
        { concurrency: server === "rep" ? 1 : 8 },
      );
      const connect = serving.endpoints[0]!;
      const sockets =
        client === "req"
          ? await pump.socket("req", { connect, options: { relaxed: true, correlate: true } })
          : await pump.socket("dealer", { connect });
      const requests = requester(sockets);
      let next = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
          const outcomes = calls.map(async (c) => {
            const id = next++;
            const controller = new AbortController();
            const reason = new Error(`aborted ${id}`);
            let timer: NodeJS.Timeout | undefined;
            if (c.abortAfter !== undefined) {
              timer = setTimeout(() => controller.abort(reason), c.abortAfter);
            }
            try {
              const reply = await requests.request(`${id}:${c.delay}`, {
                timeout: c.timeout,
                retries: c.retries,
                signal: controller.signal,
              });
              expect(reply.map(String)).toEqual([`re:${id}`]);
            } catch (e) {
              if (e !== reason && !(e instanceof TimeoutError)) throw e;
            } finally {
              clearTimeout(timer);
            }
          });
          await within(Promise.all(outcomes), 20_000, "the requests");
        }),
        { numRuns: 15 },
      );
      requests.close();
    },
    90_000,
  );
});
