// serve() over a ROUTER keeps its promises under any mix of requests: never more than
// `concurrency` handlers at once; every request whose handler returned gets exactly that reply
// on the DEALER that asked (through the envelope); a handler that throws answers nothing and
// puts one EHANDLER PumpError on `pump.errors`. Random handler durations and failures, random
// concurrency, several DEALERs asking at once. Runs on whichever engine the suite runs on.
import * as fc from "fast-check";
import { Pump, serve, type PumpError, type Sockets } from "@sluice/zmq-channels";
import { address, sleep, takeWithin } from "./helpers";

const request = fc.record({
  client: fc.nat(2), // which of three DEALERs asks
  work: fc.constantFrom(0, 0, 1, 3), // the handler's time (ms); 0: it returns at once
  fails: fc.boolean(),
});
const scenario = fc.record({
  concurrency: fc.integer({ min: 1, max: 5 }),
  requests: fc.array(request, { minLength: 1, maxLength: 30 }),
});

let pumps: Pump[] = [];
afterEach(async () => {
  await Promise.all(pumps.map((p) => p.close()));
  pumps = [];
});

it("serve over a router: bounded concurrency, each reply to its asker, each failure reported once", async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ concurrency, requests }) => {
      const pump = new Pump();
      pumps.push(pump);
      const router = await pump.socket("router", { bind: address("inproc") });
      let running = 0;
      let most = 0;
      const serving = serve(
        router,
        async ([body]) => {
          const [i, work, fails] = body!.toString().split(":");
          running++;
          most = Math.max(most, running);
          try {
            if (work !== "0") await sleep(Number(work));
            if (fails === "1") throw new Error(`handler ${i} failed`);
            return [`re:${i}`, "second frame"];
          } finally {
            running--;
          }
        },
        { concurrency },
      );
      const dealers: Sockets[] = [];
      for (let c = 0; c < 3; c++) {
        dealers.push(await pump.socket("dealer", { connect: router.endpoints[0]! }));
      }
      // every request goes out at once; a DEALER's requests carry the empty delimiter (REQ's)
      await Promise.all(
        requests.map((r, i) =>
          dealers[r.client]!.send.put(["", `${i}:${r.work}:${r.fails ? 1 : 0}`]),
        ),
      );
      for (let c = 0; c < 3; c++) {
        const mine = requests.flatMap((r, i) => (r.client === c && !r.fails ? [i] : []));
        const got: number[] = [];
        for (let k = 0; k < mine.length; k++) {
          const reply = await takeWithin(dealers[c]!.recv, 5000, `reply ${k + 1} to dealer ${c}`);
          expect(reply.map(String).slice(0, 1)).toEqual([""]); // the envelope's delimiter
          expect(reply.slice(2).map(String)).toEqual(["second frame"]);
          got.push(Number(reply[1]!.toString().slice(3)));
        }
        // with concurrency 1 replies come in the order asked; otherwise in any order
        expect(concurrency === 1 ? got : [...got].sort((a, b) => a - b)).toEqual(mine);
      }
      const failures = requests.filter((r) => r.fails).length;
      const errors: PumpError[] = [];
      for (let k = 0; k < failures; k++)
        errors.push(await takeWithin(pump.errors, 5000, "an error"));
      expect(errors.map((e) => e.code)).toEqual(Array(failures).fill("EHANDLER"));
      expect(most).toBeLessThanOrEqual(concurrency);
      await sleep(2);
      for (const d of dealers) expect(d.recv.poll()).toBeUndefined(); // nothing more came
      expect(pump.errors.poll()).toBeUndefined();
      await pump.close();
      await serving;
    }),
    { numRuns: 25 },
  );
}, 120_000);
