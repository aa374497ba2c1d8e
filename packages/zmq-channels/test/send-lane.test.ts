// One socket's send lane (send-lane.ts): what happens to a message it cannot hand to zeromq.
import { Pump } from "@sluice/zmq-channels";
import { address, takeN, takeWithin, text, TRANSPORTS, within } from "./helpers";

describe.each(TRANSPORTS)("a bridged socket over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("drops a ROUTER send to an unknown peer silently without mandatory, as zeromq does", async () => {
    const router = await pump.socket("router", { bind: address(transport) });
    const dealer = await pump.socket("dealer", {
      connect: router.endpoints[0],
      options: { routingId: "D" },
    });
    await dealer.send.put("hi");
    await takeWithin(router.recv);
    await router.send.put(["nobody", "dropped"]);
    await router.send.put(["D", "after"]);
    expect(text(await takeWithin(dealer.recv))).toEqual(["after"]);
    expect(pump.errors.poll()).toBeUndefined();
  });

  it("gives up on a blocked send after the user's sendTimeout and reports it", async () => {
    const push = await pump.socket("push", {
      bind: address(transport),
      options: { sendTimeout: 30 },
    });
    await push.send.put("nobody listens");
    const error = await takeWithin(pump.errors, 2000, "a PumpError");
    expect(error.code).toBe("EAGAIN");
    expect(error.unsent).toBe("nobody listens");
  });

  it("lets a producer that awaits each put fill `send`, and sends it in order in batches", async () => {
    const pull = await pump.socket("pull", { bind: address(transport) });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    const N = 5000;
    let queued = 0; // puts after which `send` still held messages: the lane did not take at once
    const producing = (async () => {
      for (let i = 0; i < N; i++) {
        await push.send.put(String(i));
        if (push.send.length > 0) queued++;
      }
    })();
    const got = await takeN(pull.recv, N, 10000);
    await within(producing, 1000, "the producer");
    expect(got.map((m) => Number(m[0]!.toString()))).toEqual(
      Array.from({ length: N }, (_, i) => i),
    );
    // A lane that took each message as soon as it was put (one per batch) leaves `send`
    // empty after most puts; a flooding lane waits for the next turn, so the puts queue
    // (above 0.9 of them on a quiet machine; 0.71 seen under CI's load on a slow one).
    expect(queued).toBeGreaterThan(N * 0.25);
  });
});
