// pump.zap(): ZAP (RFC 27) as a channel — timeouts, domains, a full channel, first answer
// counts, one handler per context, closing with the pump. CURVE sockets of the same pump.
import * as zmq from "zeromq";
import { curveKeyPair, Pump, type Sockets } from "@sluice/zmq-channels";
import { z85 } from "../src/zap";
import { loadNative } from "../src/engines/native";
import { sleep, takeWithin, text } from "./helpers";

const nativeBuilt = !("error" in loadNative());

let pump: Pump;
beforeEach(() => {
  pump = new Pump();
});
afterEach(() => pump.close());

const SERVER = curveKeyPair();

async function curveRouter(domain: string): Promise<Sockets> {
  return pump.socket("router", {
    bind: "tcp://127.0.0.1:*",
    options: {
      curveServer: true,
      curveSecretKey: SERVER.secretKey,
      zapDomain: domain,
      zapEnforceDomain: true,
    },
  });
}

async function curveClient(router: Sockets, id: string): Promise<Sockets> {
  const keys = curveKeyPair();
  return pump.socket("dealer", {
    connect: router.endpoints[0],
    options: {
      routingId: id,
      curveServerKey: SERVER.publicKey,
      curvePublicKey: keys.publicKey,
      curveSecretKey: keys.secretKey,
    },
  });
}

/** The status of the first failed authentication the router reports. */
async function authFailure(router: Sockets, of = pump): Promise<number> {
  const events = of.events(router);
  for (;;) {
    const e = await takeWithin(events, 5000, "a handshake:error:auth event");
    if (e.type === "handshake:error:auth") return e.error.status;
  }
}

describe("pump.zap()", () => {
  it("hands CURVE handshakes over with the client's key; allowed, the client gets through", async () => {
    const zap = pump.zap();
    const router = await curveRouter("d");
    const dealer = await curveClient(router, "c1");
    const request = await takeWithin(zap);
    expect(request.mechanism).toBe("CURVE");
    expect(request.domain).toBe("d");
    expect(request.publicKey).toHaveLength(40);
    expect(request.address).toBe("127.0.0.1");
    request.allow("user-1");
    request.deny(); // the first answer counts
    await dealer.send.put("in");
    expect(text(await takeWithin(router.recv))).toEqual(["c1", "in"]);
  });

  it("keeps a denied client out and lets an allowed one in", async () => {
    const zap = pump.zap();
    const router = await curveRouter("d");
    const denied = await curveClient(router, "out");
    (await takeWithin(zap, 5000, "the first handshake")).deny();
    const allowed = await curveClient(router, "in");
    (await takeWithin(zap, 5000, "the second handshake")).allow();
    await denied.send.put("from out");
    await allowed.send.put("from in");
    expect(text(await takeWithin(router.recv))).toEqual(["in", "from in"]);
    await sleep(100);
    expect(router.recv.poll()).toBeUndefined();
  });

  // Needs the native engine built (native.test.ts says so when it is not).
  (nativeBuilt ? it : it.skip)(
    "has a handler per engine: each engine's sockets ask their own",
    async () => {
      const natives = new Pump({ engine: "native" });
      const zeromqs = new Pump({ engine: "zeromq" });
      try {
        const byEngine = [natives, zeromqs].map((p) => ({ pump: p, zap: p.zap() }));
        for (const { pump: p, zap } of byEngine) {
          const router = await p.socket("router", {
            bind: "tcp://127.0.0.1:*",
            options: { plainServer: true, zapDomain: "d", zapEnforceDomain: true },
          });
          const dealer = await p.socket("dealer", {
            connect: router.endpoints[0],
            options: { plainUsername: p.engine, plainPassword: "pw", routingId: "c" },
          });
          const request = await takeWithin(zap, 5000, `the ${p.engine} handshake`);
          expect(request.username).toBe(p.engine);
          request.allow();
          await dealer.send.put("hi");
          expect(text(await takeWithin(router.recv))).toEqual(["c", "hi"]);
        }
      } finally {
        await Promise.all([natives.close(), zeromqs.close()]);
      }
    },
  );

  // Regression: allow(5) let the client in as User-Id "5" (allow({}) as "[object Object]").
  it("refuses an answer that is not one at the call, and the request stays open", async () => {
    const zap = pump.zap();
    const router = await curveRouter("d");
    const client = await curveClient(router, "c");
    const request = await takeWithin(zap, 5000, "the handshake");
    expect(() => request.allow(5 as never)).toThrow(
      new TypeError("allow(userId): userId must be a string, got the number 5"),
    );
    expect(() => request.deny(400, {} as never)).toThrow(
      /deny\(status, text\): text must be a string, got/,
    );
    expect(() => request.deny(404 as never)).toThrow(/status must be 300, 400 or 500/);
    request.allow("someone"); // the first answer that is one counts
    await client.send.put("hi");
    expect(text(await takeWithin(router.recv))).toEqual(["c", "hi"]);
  });

  it("denies an unanswered request 500 after the timeout", async () => {
    const zap = pump.zap({ timeout: 100 });
    const router = await curveRouter("d");
    const failure = authFailure(router);
    await curveClient(router, "c1");
    await takeWithin(zap); // and never answered
    expect(await failure).toBe(500);
  });

  it("denies 400 a request of another domain, without showing it", async () => {
    const zap = pump.zap({ domain: "mine" });
    const router = await curveRouter("theirs");
    const failure = authFailure(router);
    await curveClient(router, "c1");
    expect(await failure).toBe(400);
    expect(zap.poll()).toBeUndefined();
  });

  it("denies 300 at once when the channel is full", async () => {
    const zap = pump.zap({ buffer: 1 });
    const router = await curveRouter("d");
    const failure = authFailure(router);
    await curveClient(router, "c1");
    await curveClient(router, "c2");
    expect(await failure).toBe(300);
    expect(zap.poll()).toBeDefined(); // the one that fitted
  });

  it("denies 400 at once once the application closed the channel", async () => {
    const zap = pump.zap();
    zap.close();
    const router = await curveRouter("d");
    const failure = authFailure(router);
    await curveClient(router, "c1");
    expect(await failure).toBe(400);
  });

  it("gives each request its credentials byte for byte, beside their UTF-8 decoding", async () => {
    const zap = pump.zap();
    const router = await pump.socket("router", {
      bind: "tcp://127.0.0.1:*",
      options: { plainServer: true, zapDomain: "d", zapEnforceDomain: true },
    });
    const password = Buffer.from([0xff, 0xfe]); // no UTF-8: decoded, it reads "\ufffd\ufffd"
    await pump.socket("dealer", {
      connect: router.endpoints[0],
      // (zeromq.js types the option as a string; libzmq takes bytes, and so do both engines)
      options: { plainUsername: "ü", plainPassword: password as unknown as string },
    });
    const plain = await takeWithin(zap);
    expect([plain.username, plain.password]).toEqual(["ü", "\ufffd\ufffd"]);
    expect(plain.credentials).toEqual([Buffer.from("ü"), password]);
    plain.deny();
    const server = await curveRouter("d");
    await curveClient(server, "c1");
    const curve = await takeWithin(zap);
    expect(curve.credentials).toHaveLength(1);
    expect(z85(curve.credentials[0]!)).toBe(curve.publicKey);
  });

  // Closed first, the handler left the sockets still lingering with none: libzmq let their
  // clients in unasked (zapEnforceDomain unset).
  it("closes after the sockets it guards", async () => {
    const zap = pump.zap();
    let asked = 0;
    const denying = (async () => {
      for await (const request of zap) {
        asked++;
        request.deny();
      }
    })();
    const server = await pump.socket("dealer", {
      bind: "tcp://127.0.0.1:*",
      options: {
        curveServer: true,
        curveSecretKey: SERVER.secretKey,
        zapDomain: "d",
        linger: 1000,
      },
    });
    server.send.offer("queued with no peer: the close lingers"); // (the client is no peer yet)
    const got: string[] = [];
    const reading = (async () => {
      for await (const m of server.recv) got.push(String(m[0]));
    })();
    const closing = pump.close();
    await sleep(100);
    const others = new Pump();
    try {
      const keys = curveKeyPair();
      const client = await others.socket("dealer", {
        connect: server.endpoints[0],
        options: {
          linger: 0,
          curveServerKey: SERVER.publicKey,
          curvePublicKey: keys.publicKey,
          curveSecretKey: keys.secretKey,
        },
      });
      await client.send.put("let in unasked?");
      await Promise.all([closing, reading, denying]);
      expect(asked).toBeGreaterThan(0);
      expect(got).toEqual([]);
    } finally {
      await others.close();
    }
  });

  it("denies 500 what is still pending when its pump closes", async () => {
    const zap = pump.zap({ timeout: 60_000 });
    const others = new Pump(); // the same engine's context: this handler serves its sockets
    try {
      const server = await others.socket("router", {
        bind: "tcp://127.0.0.1:*",
        options: { curveServer: true, curveSecretKey: SERVER.secretKey, zapDomain: "d" },
      });
      const failure = authFailure(server, others);
      const keys = curveKeyPair();
      await others.socket("dealer", {
        connect: server.endpoints[0],
        options: {
          curveServerKey: SERVER.publicKey,
          curvePublicKey: keys.publicKey,
          curveSecretKey: keys.secretKey,
        },
      });
      await takeWithin(zap); // and never answered
      await pump.close();
      expect(await failure).toBe(500);
    } finally {
      await others.close();
    }
  });

  it("is one per context, closes with the pump, and refuses bad options", async () => {
    expect(() => pump.zap({ timeout: -1 })).toThrow(TypeError);
    expect(() => pump.zap({ timeout: 2 ** 40 })).toThrow(
      /≤ 2147483647, got the number 1099511627776$/,
    );
    expect(() => pump.zap({ buffer: 0 })).toThrow(/buffer must be an integer/);
    const zap = pump.zap();
    expect(() => pump.zap()).toThrow(/already has a ZAP handler/);
    expect(() => new Pump().zap()).toThrow(/already has a ZAP handler/); // same default context
    const context = new zmq.Context();
    const other = new Pump({ context });
    const own = other.zap(); // a context of its own
    await other.close();
    expect(own.closed).toBe(true); // closed by the time close() resolves
    expect(await own.take()).toBeUndefined();
    await pump.close();
    expect(zap.closed).toBe(true);
    const again = new Pump();
    again.zap(); // released with the pump: at once, with no turn of the loop in between
    await again.close();
    expect(await zap.take()).toBeUndefined();
  });
});
