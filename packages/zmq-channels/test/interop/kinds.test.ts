// The kinds that need a peer of another implementation: a sluice `stream` against a pyzmq
// (or plain zeromq.js) STREAM, both ways round. tcp only: STREAM is raw TCP.
import * as zmq from "zeromq";
import { Pump } from "@sluice/zmq-channels";
import { takeWithin } from "../helpers";
import { availablePeers, Peer } from "./peer";

for (const spec of availablePeers().filter((s) => s.stream)) {
  describe(`stream against a ${spec.name} STREAM peer`, () => {
    let peer: Peer;
    let pump: Pump;
    beforeAll(async () => {
      peer = await Peer.start(spec);
    });
    afterAll(() => peer?.stop());
    beforeEach(() => {
      pump = new Pump();
    });
    afterEach(async () => {
      await pump.close();
      await peer.closeAll();
    });

    it("the peer connects to a sluice stream: arrival, bytes both ways", async () => {
      const stream = await pump.socket("stream", { bind: "tcp://127.0.0.1:*" });
      const { id: p } = await peer.open("stream", { connect: stream.endpoints[0] });
      // The peer's STREAM learns of the connection too ([its id, empty]).
      const [peerId, none] = await peer.recv(p);
      expect(none).toHaveLength(0);
      const [id, empty] = await takeWithin(stream.recv, 5000, "the arrival");
      expect(empty).toHaveLength(0);
      await peer.send(p, [peerId!, "from the peer"]);
      const [from, data] = await takeWithin(stream.recv);
      expect(from).toEqual(id);
      expect(data!.toString()).toBe("from the peer");
      await stream.send.put([id!, "from sluice"]);
      const [to, back] = await peer.recv(p);
      expect(to).toEqual(peerId);
      expect(back!.toString()).toBe("from sluice");
    });

    it("a sluice stream connects to the peer, naming the connection with routingId", async () => {
      const { id: p, endpoint } = await peer.open("stream", { bind: "tcp://127.0.0.1:*" });
      const stream = await pump.socket("stream", {});
      await stream.connect(endpoint, { routingId: "conn-1" });
      const [id, empty] = await takeWithin(stream.recv, 5000, "the connection");
      expect(id!.toString()).toBe("conn-1");
      expect(empty).toHaveLength(0);
      const [peerId] = await peer.recv(p); // its arrival
      await stream.send.put(["conn-1", "hello"]);
      const [to, data] = await peer.recv(p);
      expect(to).toEqual(peerId);
      expect(data!.toString()).toBe("hello");
      await peer.send(p, [peerId!, "hi"]);
      const [from, reply] = await takeWithin(stream.recv);
      expect(from!.toString()).toBe("conn-1");
      expect(reply!.toString()).toBe("hi");
    });
  });
}

describe("register()", () => {
  it("adopts a zeromq.js Stream", async () => {
    const pump = new Pump();
    try {
      const raw = new zmq.Stream();
      await raw.bind("tcp://127.0.0.1:*");
      const stream = pump.register(raw);
      expect(stream.kind).toBe("stream");
    } finally {
      await pump.close();
    }
  });
});
