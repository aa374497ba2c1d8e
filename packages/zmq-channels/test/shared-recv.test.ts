// A recv channel shared by several sockets (fan-in, shared-recv.ts): it closes when the last
// of them has closed.
import { chan } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { address, sleep, takeN, takeWithin, text, TRANSPORTS, within } from "./helpers";

describe.each(TRANSPORTS)("the pump over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("shares one recv between sockets (fan-in): it closes when the last of them has closed", async () => {
    const shared = chan<Buffer[]>(16);
    const a = await pump.socket("pull", { bind: address(transport), recv: shared });
    const b = await pump.socket("pull", { bind: address(transport), recv: shared });
    const toA = await pump.socket("push", { connect: a.endpoints[0] });
    const toB = await pump.socket("push", { connect: b.endpoints[0] });
    await toA.send.put("via a");
    await toB.send.put("via b");
    expect((await takeN(shared, 2)).map((m) => text(m)[0]).sort()).toEqual(["via a", "via b"]);
    a.send.close(); // closes socket a: b still puts on the shared recv
    await within(a.closed, 5000, "a closed");
    await sleep(20);
    expect(shared.closed).toBe(false);
    await toB.send.put("still via b");
    expect(text(await takeWithin(shared))).toEqual(["still via b"]);
    b.send.close();
    await within(b.closed, 5000, "b closed");
    expect(await within(shared.take(), 5000, "shared closed")).toBeUndefined();
  });

  it("shares one recv between sockets of two pumps: it closes when the last socket closes", async () => {
    const other = new Pump();
    try {
      const shared = chan<Buffer[]>(16);
      await other.socket("pull", { bind: address(transport), recv: shared });
      const b = await pump.socket("pull", { bind: address(transport), recv: shared });
      const toB = await pump.socket("push", { connect: b.endpoints[0] });
      await other.close(); // closes its socket; this pump's socket still puts on `shared`
      expect(shared.closed).toBe(false);
      await toB.send.put("to b");
      expect(text(await takeWithin(shared))).toEqual(["to b"]);
    } finally {
      await other.close();
    }
  });
});
