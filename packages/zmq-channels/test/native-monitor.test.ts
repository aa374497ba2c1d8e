// Monitor events on the native engine (engines/native-monitor.ts, native-events.ts): the same
// events as the zeromq.js engine, plus `peer`, the other end's address; the fallback to
// libzmq's version-1 monitor; and a monitor's end with its socket (no leak, no hang at exit).
// The pump-level behaviours shared by both engines are in monitor.test.ts.
import * as fs from "node:fs";
import * as net from "node:net";
import type { Channel } from "@sluice/channels";
import { Pump, type SocketEvent } from "@sluice/zmq-channels";
import { NativeEngine, NativeSocket, loadNative } from "../src/engines/native";
import { startMonitor } from "../src/engines/native-monitor";
import { decodeEvent, type EventSources } from "../src/engines/native-events";
import { kindNamed } from "../src/kinds";
import { address, runWithPump, sleep, takeWithin, within } from "./helpers";

const native = loadNative();
const built = !("error" in native);
if (!built) console.log(`native monitor tests skipped: ${native.error}`);
const describeNative = built ? describe : describe.skip;

/** Events until one of `type` (included); fails the test after `ms`. */
async function until(
  events: Channel<SocketEvent>,
  type: string,
  ms = 5000,
): Promise<SocketEvent[]> {
  const seen: SocketEvent[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const e = await takeWithin(events, Math.max(1, deadline - Date.now()), `a ${type} event`);
    seen.push(e);
    if (e.type === type) return seen;
  }
}

function only(seen: SocketEvent[], type: string): SocketEvent {
  const found = seen.filter((e) => e.type === type);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describeNative("native monitor events: the peer", () => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump({ engine: "native" });
  });
  afterEach(() => pump.close());

  /** A ROUTER bound at `bind` and a DEALER connected to it, each watched from the start: the
   * events of each up to its handshake. */
  async function handshaken(bind: string) {
    const router = await pump.socket("router", { bind });
    const endpoint = router.endpoints[0]!;
    const serverEvents = pump.events(router);
    const dealer = await pump.socket("dealer", {});
    const clientEvents = pump.events(dealer);
    await dealer.connect(endpoint);
    const server = await until(serverEvents, "handshake");
    const client = await until(clientEvents, "handshake");
    return { endpoint, dealer, serverEvents, server, client };
  }

  it("names a tcp client's address and port on accept and disconnect of a socket that binds", async () => {
    const router = await pump.socket("router", { bind: "tcp://127.0.0.1:*" });
    const endpoint = router.endpoints[0]!;
    const events = pump.events(router);
    // A plain TCP client: its local port is known, and it is not ZMTP, so the handshake fails.
    const port = Number(endpoint.split(":").at(-1));
    const client = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) =>
      client.once("connect", resolve).once("error", reject),
    );
    const peer = `tcp://127.0.0.1:${client.localPort}`;
    const accepted = await until(events, "accept");
    expect(accepted.at(-1)).toMatchObject({ type: "accept", address: endpoint, peer });
    client.end("not a ZMTP greeting, just bytes long enough to be refused as one");
    const rest = await until(events, "disconnect");
    expect(rest.at(-1)).toMatchObject({ type: "disconnect", address: endpoint, peer });
    client.destroy();
  });

  it("names the peer on the handshake too, and the endpoint on the side that connects", async () => {
    const { endpoint, dealer, serverEvents, server, client } =
      await handshaken("tcp://127.0.0.1:*");
    const peer = only(server, "accept").peer;
    expect(peer).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(peer).not.toBe(endpoint);
    expect(only(server, "handshake")).toEqual({ type: "handshake", address: endpoint, peer });
    expect(only(client, "handshake")).toEqual({
      type: "handshake",
      address: endpoint,
      peer: endpoint,
    });
    expect(only(client, "connect")).toEqual({ type: "connect", address: endpoint, peer: endpoint });

    dealer.send.close();
    await within(dealer.closed, 5000, "dealer closed");
    const gone = await until(serverEvents, "disconnect");
    expect(gone.at(-1)).toEqual({ type: "disconnect", address: endpoint, peer });
  });

  it("gives no peer for an ipc client, which has no path, and the endpoint to the client", async () => {
    const { endpoint, server, client } = await handshaken(address("ipc"));
    expect(only(server, "accept")).toEqual({ type: "accept", address: endpoint });
    expect(only(server, "handshake")).toEqual({ type: "handshake", address: endpoint });
    expect(only(client, "handshake")).toEqual({
      type: "handshake",
      address: endpoint,
      peer: endpoint,
    });
  });

  it("tells the sides apart on a socket that both binds and connects", async () => {
    const hub = await pump.socket("dealer", { bind: "tcp://127.0.0.1:*" });
    const other = await pump.socket("router", { bind: "tcp://127.0.0.1:*" });
    const events = pump.events(hub);
    const client = await pump.socket("dealer", { connect: hub.endpoints[0]! });
    const incoming = await until(events, "handshake");
    await hub.connect(other.endpoints[0]!);
    const outgoing = await until(events, "handshake");
    expect(incoming.at(-1)).toMatchObject({ address: hub.endpoints[0] });
    expect(incoming.at(-1)!.peer).not.toBe(hub.endpoints[0]);
    expect(outgoing.at(-1)).toEqual({
      type: "handshake",
      address: other.endpoints[0],
      peer: other.endpoints[0],
    });
    client.send.close();
  });
});

describe("both engines give the same events", () => {
  /** Every event of one router's life: a client comes, sends, leaves; the router closes. */
  async function lifeOfARouter(engine: "native" | "zeromq"): Promise<string[]> {
    const pump = new Pump({ engine });
    try {
      const router = await pump.socket("router", { bind: "tcp://127.0.0.1:*" });
      const endpoint = router.endpoints[0]!;
      const watch = pump.events(router);
      const all = collect(pump.events(router));
      const dealer = await pump.socket("dealer", { connect: endpoint });
      await dealer.send.put("hi");
      await takeWithin(router.recv);
      dealer.send.close();
      await until(watch, "disconnect");
      router.send.close();
      const seen = await within(all, 5000, "the events channel closed");
      for (const e of seen) if (engine === "zeromq") expect(e).not.toHaveProperty("peer");
      return seen.map((e) => `${e.type} ${"address" in e && e.address === endpoint ? "E" : "-"}`);
    } finally {
      await pump.close();
    }
  }

  async function collect(events: Channel<SocketEvent>): Promise<SocketEvent[]> {
    const seen: SocketEvent[] = [];
    for await (const e of events) seen.push(e);
    return seen;
  }

  (built ? it : it.skip)(
    "with the same types and addresses; only the native engine has peer",
    async () => {
      const reference = await lifeOfARouter("zeromq");
      expect(reference).toEqual(["accept E", "handshake E", "disconnect E", "close E", "end -"]);
      expect(await lifeOfARouter("native")).toEqual(reference);
    },
  );
});

describeNative(
  "native monitor: libzmq's version-1 events (the fallback without the draft API)",
  () => {
    it("gives the same events, with the peer of an accept read from its descriptor", async () => {
      const engine = new NativeEngine();
      const router = engine.create(kindNamed("router")!, {});
      const dealer = engine.create(kindNamed("dealer")!, { linger: 0 });
      try {
        const endpoint = await router.bind("tcp://127.0.0.1:*");
        if ("error" in native) throw new Error(native.error);
        const events = startMonitor(
          native.binding,
          (router as NativeSocket).handle,
          () => [endpoint],
          1,
        )[Symbol.asyncIterator]();
        const next = async (): Promise<SocketEvent> => {
          const r = await within(events.next(), 5000, "a version-1 event");
          if (r.done === true) throw new Error("the events ended early");
          return r.value;
        };
        dealer.connect(endpoint);
        const accept = await next();
        expect(accept).toEqual({ type: "accept", address: endpoint, peer: expect.any(String) });
        expect(accept.peer).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
        expect(accept.peer).not.toBe(endpoint);
        expect(await next()).toEqual({ type: "handshake", address: endpoint }); // no peer in v1
        router.close();
        const rest: string[] = [];
        for (let e = await next(); ; e = await next()) {
          rest.push(e.type);
          if (e.type === "end") break;
        }
        expect(rest.at(-1)).toBe("end");
        expect((await within(events.next(), 5000, "the events' end")).done).toBe(true);
      } finally {
        dealer.close();
        router.close();
        engine.close();
      }
    });
  },
);

describeNative("native monitor: a monitor that cannot start", () => {
  const linux = fs.existsSync("/proc/self/fd");
  (linux ? it : it.skip)(
    "throws zeromq's error and leaves no reader behind (Linux: /proc/self/fd)",
    async () => {
      const engine = new NativeEngine();
      try {
        if ("error" in native) throw new Error(native.error);
        const count = (): number => fs.readdirSync("/proc/self/fd").length;
        const gone = engine.create(kindNamed("pull")!, {}) as NativeSocket;
        gone.close();
        expect(() => startMonitor(native.binding, gone.handle, () => [])).toThrow(
          expect.objectContaining({ code: "ENOTSOCK", message: expect.stringMatching(/closed/) }),
        );
        // libzmq refusing the monitor after the reader connected (EADDRINUSE cannot be caused:
        // the endpoint's name is a random UUID).
        const live = engine.create(kindNamed("pull")!, {}) as NativeSocket;
        const refusing = Object.create(live.handle, {
          monitor: {
            value: () => {
              throw Object.assign(new Error("Address already in use"), { code: "EADDRINUSE" });
            },
          },
        }) as NativeSocket["handle"];
        const before = count();
        for (let i = 0; i < 20; i++) {
          expect(() => startMonitor(native.binding, refusing, () => [])).toThrow(
            expect.objectContaining({ code: "EADDRINUSE" }),
          );
        }
        live.close();
        // The closed readers go on libzmq's reaper thread: give it a moment. A reader whose
        // connect stayed pending keeps its descriptor until the context ends: one each.
        const deadline = Date.now() + 3000;
        while (count() > before + 2 && Date.now() < deadline) await sleep(20);
        expect(count()).toBeLessThanOrEqual(before + 2);
      } finally {
        engine.close();
      }
    },
  );
});

describe("decoding monitor frames (native-events.ts)", () => {
  const u64 = (n: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const v2 = (id: number, value: number, local: string, remote: string): Buffer[] => [
    u64(id),
    u64(1),
    u64(value),
    Buffer.from(local),
    Buffer.from(remote),
  ];
  const sources = (names?: [string, string]): EventSources => ({
    errorOf: (errno) => Object.assign(new Error(`errno ${errno}`), { errno }),
    namesOf: () => names,
    bound: () => ["tcp://0.0.0.0:5555"],
  });

  it("fills an accept's missing remote end from its descriptor, if it is still the listener's", () => {
    const accept = v2(0x20, 9, "tcp://0.0.0.0:5555", "");
    const mine = sources(["tcp://127.0.0.1:5555", "tcp://127.0.0.1:40000"]);
    expect(decodeEvent(2, accept, mine)).toEqual({
      type: "accept",
      address: "tcp://0.0.0.0:5555",
      peer: "tcp://127.0.0.1:40000",
    });
    // The descriptor was closed and its number reused by a connection of another listener.
    const reused = sources(["tcp://127.0.0.1:6000", "tcp://127.0.0.1:40001"]);
    expect(decodeEvent(2, accept, reused)).toEqual({
      type: "accept",
      address: "tcp://0.0.0.0:5555",
    });
    expect(decodeEvent(2, accept, sources(undefined))).not.toHaveProperty("peer");
  });

  it("carries errors as zeromq.js does: errno, protocol code, authentication status", () => {
    const at = "tcp://127.0.0.1:5555";
    expect(decodeEvent(2, v2(0x0800, 104, at, "tcp://127.0.0.1:4"), sources())).toMatchObject({
      type: "handshake:error:other",
      error: { errno: 104 },
    });
    const protocol = decodeEvent(2, v2(0x2000, 0x10000002, at, "tcp://127.0.0.1:4"), sources());
    expect(protocol).toMatchObject({
      type: "handshake:error:protocol",
      error: { code: "ERR_ZMTP_INVALID_SEQUENCE", message: "ZMTP protocol error" },
    });
    const zap = decodeEvent(2, v2(0x2000, 0x20000001, at, "tcp://127.0.0.1:4"), sources());
    expect(zap).toMatchObject({
      error: { code: "ERR_ZAP_MALFORMED_REPLY", message: "ZAP protocol error" },
    });
    expect(decodeEvent(2, v2(0x4000, 400, at, "tcp://127.0.0.1:4"), sources())).toMatchObject({
      type: "handshake:error:auth",
      error: { status: 400, message: "Authentication failure" },
    });
    expect(decodeEvent(2, v2(0x0004, 200, "", at), sources())).toEqual({
      type: "connect:retry",
      address: at,
      peer: at,
      interval: 200,
    });
    expect(decodeEvent(2, v2(0x8000, 0, "", ""), sources())).toEqual({ type: "unknown" });
  });

  it("refuses frames of another shape as a sluice bug, naming their sizes", () => {
    expect(() => decodeEvent(2, [u64(1), u64(3), u64(0)], sources())).toThrow(
      /sluice bug: a version-2 monitor message of frames \[8, 8, 8\]/,
    );
    expect(() => decodeEvent(1, [Buffer.alloc(4), Buffer.from("x")], sources())).toThrow(
      /version-1 monitor message of frames \[4, 1\]/,
    );
  });
});

describeNative("native monitor: its end", () => {
  const scenario = `
    const pump = new Pump({ engine: "native" });
    const router = await pump.socket("router", { bind: "tcp://127.0.0.1:*" });
    const events = pump.events(router);
    const dealer = await pump.socket("dealer", { connect: router.endpoints[0] });
    pump.events(dealer);
    await dealer.send.put("x");
    await router.recv.take();`;

  it("ends with the socket: the process exits on its own after pump.close()", () => {
    const r = runWithPump(`${scenario}
      await pump.close();
      const types = [];
      for await (const e of events) types.push(e.type);
      console.log("ended with", types.at(-1));`);
    expect(r.out).toContain("ended with end");
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
  });

  it("exits cleanly with process.exit() while monitored sockets are open", () => {
    const r = runWithPump(`${scenario}
      setTimeout(() => process.exit(0), 20);`);
    expect({ status: r.status, signal: r.signal, out: r.out }).toEqual({
      status: 0,
      signal: null,
      out: "",
    });
  });

  (fs.existsSync("/proc/self/fd") ? it : it.skip)(
    "leaks no descriptor over many monitored sockets (Linux: /proc/self/fd)",
    async () => {
      const count = (): number => fs.readdirSync("/proc/self/fd").length;
      const before = count();
      for (let i = 0; i < 20; i++) {
        const pump = new Pump({ engine: "native" });
        const router = await pump.socket("router", { bind: "tcp://127.0.0.1:*" });
        const events = pump.events(router);
        const dealer = await pump.socket("dealer", { connect: router.endpoints[0]! });
        await until(events, "handshake");
        dealer.send.close();
        await pump.close();
        await until(events, "end");
      }
      // The context ends on the thread pool once the last reader has closed: give it time. A
      // reader left open keeps one descriptor per socket; a context never ended, about five.
      const deadline = Date.now() + 3000;
      while (count() > before + 2 && Date.now() < deadline) await sleep(20);
      expect(count()).toBeLessThanOrEqual(before + 2);
    },
  );
});
