import { Pump } from "@sluice/zmq-channels";
import { address, takeWithin, text, TRANSPORTS } from "./helpers";

describe.each(TRANSPORTS)("smoke over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => (pump = new Pump()));
  afterEach(() => pump.close());

  it("push to pull", async () => {
    const pull = await pump.socket("pull", { bind: address(transport) });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    for (let i = 0; i < 1000; i++) await push.send.put(String(i));
    for (let i = 0; i < 1000; i++) expect(text(await takeWithin(pull.recv))).toEqual([String(i)]);
  });
});
