// REQ/REP take turns; what happens to a request still waiting for its turn at close.
import * as zmq from "zeromq";
import { into } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";

describe("a REQ request still waiting for its turn at close", () => {
  // Regression: past the linger the pump tried the waiting request anyway, and libzmq refused
  // it with EFSM, so it was reported unlike every other message that did not go out in time.
  it("is reported as not handed over before the linger passed (EAGAIN), with the message", async () => {
    const rep = new zmq.Reply({ linger: 0 });
    await rep.bind("tcp://127.0.0.1:*");
    const pump = new Pump();
    try {
      const req = await pump.socket("req", {
        connect: rep.lastEndpoint as string,
        options: { linger: 50 },
      });
      await req.send.put("one");
      await req.send.put("two"); // waits in send: "one" is never answered
      expect((await rep.receive()).map(String)).toEqual(["one"]);
      await pump.close();
      const errors = await into(pump.errors);
      expect(errors.map((e) => [e.code, e.kind, String(e.unsent)])).toEqual([
        ["EAGAIN", "req", "two"],
      ]);
      expect(errors[0]?.message).toMatch(/linger passed/);
    } finally {
      await pump.close();
      rep.close();
    }
  });
});
