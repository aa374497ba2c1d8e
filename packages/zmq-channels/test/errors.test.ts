// PumpError (errors.ts): a socket failure as a value on pump.errors, with its code, socket and
// unsent message.
import { Pump, PumpError } from "@sluice/zmq-channels";
import { address, takeWithin, text, TRANSPORTS } from "./helpers";

describe.each(TRANSPORTS)("a bridged socket over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("reports a ROUTER mandatory send to an unknown peer as EHOSTUNREACH, then keeps going", async () => {
    const router = await pump.socket("router", {
      bind: address(transport),
      options: { mandatory: true },
    });
    await router.send.put(["nobody", "lost"]);
    const error = await takeWithin(pump.errors, 2000, "a PumpError");
    expect(error).toBeInstanceOf(PumpError);
    expect(error.code).toBe("EHOSTUNREACH");
    expect(error.kind).toBe("router");
    expect(error.endpoints).toEqual(router.endpoints);
    expect(error.unsent).toEqual(["nobody", "lost"]);
    expect(error.message).toMatch(/EHOSTUNREACH/);
    // The socket is not wedged: a real peer still gets its message.
    const dealer = await pump.socket("dealer", {
      connect: router.endpoints[0],
      options: { routingId: "D" },
    });
    await dealer.send.put("hi");
    await takeWithin(router.recv);
    await router.send.put(["D", "welcome"]);
    expect(text(await takeWithin(dealer.recv))).toEqual(["welcome"]);
  });
});
