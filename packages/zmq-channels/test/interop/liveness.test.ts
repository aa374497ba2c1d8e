// Heartbeats and reconnection, with the events that report them (pump.events): a peer frozen
// with SIGSTOP keeps its TCP connection open, so only ZeroMQ's heartbeats (ZMTP PING/PONG,
// heartbeatInterval/heartbeatTimeout/heartbeatTimeToLive) can tell that it is dead; once it
// thaws, the socket reconnects (reconnectInterval) and traffic flows again.
import type { Channel } from "@sluice/channels";
import type * as zmq from "zeromq";
import { Pump } from "@sluice/zmq-channels";
import { takeWithin, text } from "../helpers";
import { availablePeers, Peer } from "./peer";

const SPEC = availablePeers()
  .filter((spec) => spec.heartbeats)
  .at(-1)!; // python when it is there

/** Waits for an event of `type`; fails the test after `ms`. */
async function until(events: Channel<zmq.Event>, type: string, ms: number): Promise<zmq.Event> {
  const deadline = Date.now() + ms;
  for (;;) {
    const e = await takeWithin(events, Math.max(1, deadline - Date.now()), `a ${type} event`);
    if (e.type === type) return e;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe(`liveness against a ${SPEC.name} peer`, () => {
  let peer: Peer;
  let pump: Pump;
  beforeEach(async () => {
    peer = await Peer.start(SPEC);
    pump = new Pump();
  });
  afterEach(async () => {
    peer.resume();
    await pump.close();
    await peer.stop();
  });

  it("heartbeats report a hung peer as a disconnect; after it thaws, the socket reconnects", async () => {
    const { id: router, endpoint } = await peer.open("router", { bind: "tcp://127.0.0.1:*" });
    const opts = { heartbeatInterval: 100, heartbeatTimeout: 300, heartbeatTimeToLive: 1000 };
    // Connected only once the monitors listen, so they see the first handshake too.
    const watched = await pump.socket("dealer", {
      // No routingId: the thawed ROUTER may not yet have dropped the old connection, and would
      // refuse a new one under the same id.
      options: { reconnectInterval: 100, ...opts },
    });
    const plain = await pump.socket("dealer", { options: { routingId: "no" } });
    const events = pump.events(watched);
    const plainEvents = pump.events(plain);
    await watched.connect(endpoint);
    await plain.connect(endpoint);
    await until(events, "handshake", 3000);
    await watched.send.put("before");
    expect((await peer.recv(router)).map(String)[1]).toBe("before");

    peer.pause();
    const lost = await until(events, "disconnect", 3000);
    expect(lost.type === "disconnect" && lost.address).toBe(endpoint);
    // Without heartbeats the same hung peer looks alive: TCP says nothing.
    await sleep(200);
    for (let e = plainEvents.poll(); e !== undefined; e = plainEvents.poll()) {
      expect(e.type).not.toBe("disconnect");
    }

    peer.resume();
    await until(events, "handshake", 5000);
    await watched.send.put("after");
    let got = await peer.recv(router);
    while (got[1]!.toString() === "before") got = await peer.recv(router);
    expect(got[1]!.toString()).toBe("after");
    await peer.send(router, [got[0]!, "reply"]);
    expect(text(await takeWithin(watched.recv))).toEqual(["reply"]);
  });
});
