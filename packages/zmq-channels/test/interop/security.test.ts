// CURVE and PLAIN against pyzmq, over tcp and ipc: a sluice CURVE ROUTER whose handshakes
// pump.zap() decides, a sluice CURVE client of a pyzmq CURVE server, and PLAIN user names
// checked by pump.zap().
// Python only (the plain zeromq.js peer speaks no security options); skipped without pyzmq.
import { curveKeyPair, Pump, type Sockets, type ZapRequest } from "@sluice/zmq-channels";
import type { Channel } from "@sluice/channels";
import { address, takeWithin, text } from "../helpers";
import { Peer, PYTHON_PEER, pythonZmqAvailable } from "./peer";

const PYTHON = pythonZmqAvailable();
if (!PYTHON) console.log("security interop: SKIPPED (no python3-zmq)");
const describePython = PYTHON ? describe : describe.skip;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describePython("security against a python peer", () => {
  let peer: Peer;
  let pump: Pump;
  beforeAll(async () => {
    peer = await Peer.start(PYTHON_PEER);
  });
  afterAll(() => peer?.stop());
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(async () => {
    await pump.close();
    await peer.closeAll();
  });

  /** Answers every request with `decide`, recording what was asked. */
  function answer(zap: Channel<ZapRequest>, decide: (r: ZapRequest) => boolean): ZapRequest[] {
    const seen: ZapRequest[] = [];
    void (async () => {
      for await (const r of zap) {
        seen.push(r);
        if (decide(r)) r.allow(r.username ?? "client");
        else r.deny(400, "unknown");
      }
    })();
    return seen;
  }

  describe.each(["tcp", "ipc"] as const)("over %s", (transport) => {
    it("a CURVE ROUTER serves the allowed client and gives the unknown key nothing", async () => {
      const server = curveKeyPair();
      const known = curveKeyPair();
      const stranger = curveKeyPair();
      const seen = answer(pump.zap(), (r) => r.publicKey === known.publicKey);
      const router: Sockets = await pump.socket("router", {
        bind: address(transport),
        options: {
          curveServer: true,
          curveSecretKey: server.secretKey,
          zapDomain: "ironhouse",
          zapEnforceDomain: true,
        },
      });
      const client = (keys: { publicKey: string; secretKey: string }, id: string) =>
        peer.open("dealer", {
          connect: router.endpoints[0],
          routingId: id,
          curveServerKey: server.publicKey,
          curvePublicKey: keys.publicKey,
          curveSecretKey: keys.secretKey,
        });
      const good = await client(known, "good");
      const bad = await client(stranger, "bad");
      // A denied client may have no connection to queue on: its send can time out (EAGAIN).
      await peer.send(bad.id, ["let me in"]).catch(() => undefined);
      await peer.send(good.id, ["hello"]);
      expect(text(await takeWithin(router.recv))).toEqual(["good", "hello"]);
      await router.send.put(["good", "welcome"]);
      expect((await peer.recv(good.id)).map(String)).toEqual(["welcome"]);
      await sleep(200);
      expect(router.recv.poll()).toBeUndefined(); // the stranger's message never came in
      const asked = seen.map((r) => [r.mechanism, r.domain, r.publicKey]);
      expect(asked).toContainEqual(["CURVE", "ironhouse", known.publicKey]);
      expect(asked).toContainEqual(["CURVE", "ironhouse", stranger.publicKey]);
      // ZAP's address: the client's IP over tcp; over ipc, libzmq's uid:gid:pid of its process.
      expect(seen[0]!.address).toMatch(
        transport === "tcp" ? /^127\.0\.0\.1$/ : /^localhost:\d+:\d+:\d+$/,
      );
    });

    it("a sluice CURVE client talks to a pyzmq CURVE server", async () => {
      const server = curveKeyPair();
      const mine = curveKeyPair();
      const { id, endpoint } = await peer.open("router", {
        bind: address(transport),
        curveServer: true,
        curveSecretKey: server.secretKey,
      });
      const dealer = await pump.socket("dealer", {
        connect: endpoint,
        options: {
          routingId: "me",
          curveServerKey: server.publicKey,
          curvePublicKey: mine.publicKey,
          curveSecretKey: mine.secretKey,
        },
      });
      await dealer.send.put("encrypted hello");
      expect((await peer.recv(id)).map(String)).toEqual(["me", "encrypted hello"]);
      await peer.send(id, ["me", "encrypted reply"]);
      expect(text(await takeWithin(dealer.recv))).toEqual(["encrypted reply"]);
    });

    it("a sluice PLAIN client talks to a pyzmq PLAIN server, which refuses a wrong password", async () => {
      const { id, endpoint } = await peer.open("router", {
        bind: address(transport),
        plainServer: { admin: "secret" },
      });
      const wrong = await pump.socket("dealer", {
        connect: endpoint,
        options: { routingId: "wrong", plainUsername: "admin", plainPassword: "guess" },
      });
      wrong.send.offer("sneaking in");
      const dealer = await pump.socket("dealer", {
        connect: endpoint,
        options: { routingId: "me", plainUsername: "admin", plainPassword: "secret" },
      });
      await dealer.send.put("plain hello");
      expect((await peer.recv(id)).map(String)).toEqual(["me", "plain hello"]);
      await peer.send(id, ["me", "plain reply"]);
      expect(text(await takeWithin(dealer.recv))).toEqual(["plain reply"]);
      expect(await peer.tryRecv(id, 300)).toBeUndefined(); // "sneaking in" never arrived
    });

    it("PLAIN user names and passwords are checked by pump.zap()", async () => {
      const users = new Map([["admin", "secret"]]);
      const seen = answer(
        pump.zap(),
        (r) => r.mechanism === "PLAIN" && users.get(r.username!) === r.password,
      );
      const router = await pump.socket("router", {
        bind: address(transport),
        options: { plainServer: true, zapDomain: "plain", zapEnforceDomain: true },
      });
      const good = await peer.open("dealer", {
        connect: router.endpoints[0],
        routingId: "good",
        plainUsername: "admin",
        plainPassword: "secret",
      });
      const bad = await peer.open("dealer", {
        connect: router.endpoints[0],
        routingId: "bad",
        plainUsername: "admin",
        plainPassword: "guess",
      });
      // A denied client may have no connection to queue on: its send can time out (EAGAIN).
      await peer.send(bad.id, ["sneaking in"]).catch(() => undefined);
      await peer.send(good.id, ["hello"]);
      expect(text(await takeWithin(router.recv))).toEqual(["good", "hello"]);
      await sleep(200);
      expect(router.recv.poll()).toBeUndefined();
      expect(seen.map((r) => [r.mechanism, r.username, r.password])).toEqual(
        expect.arrayContaining([
          ["PLAIN", "admin", "secret"],
          ["PLAIN", "admin", "guess"],
        ]),
      );
    });
  });
});
