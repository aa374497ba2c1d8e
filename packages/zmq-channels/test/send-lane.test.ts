// One socket's send lane (send-lane.ts): what happens to a message it cannot hand to zeromq.
import { Pump } from "@sluice/zmq-channels";
import { address, takeWithin, text, TRANSPORTS } from "./helpers";

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
});
