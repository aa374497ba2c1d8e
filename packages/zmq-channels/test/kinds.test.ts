// Every socket kind of the contract, over every transport: what it sends, what arrives.
import * as dgram from "node:dgram";
import * as net from "node:net";
import * as zmq from "zeromq";
import { Pump, type Sockets } from "@sluice/zmq-channels";
import { address, sleep, takeWithin, text, TRANSPORTS, within } from "./helpers";

describe.each(TRANSPORTS)("socket kinds over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("push to pull carries multipart, binary, empty and Uint8Array frames in order", async () => {
    const pull = await pump.socket("pull", { bind: address(transport) });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    const binary = Buffer.from([0, 255, 1, 254]);
    const big = Buffer.alloc(4096, 7); // over 128 bytes: sent zero-copy
    await push.send.put(["a", binary, Buffer.alloc(0), new Uint8Array([9, 8])]);
    await push.send.put(big);
    await push.send.put("");
    const first = await takeWithin(pull.recv);
    expect(first).toHaveLength(4);
    expect(first[0]!.toString()).toBe("a");
    expect(first[1]).toEqual(binary);
    expect(first[2]).toHaveLength(0);
    expect([...first[3]!]).toEqual([9, 8]);
    expect(Buffer.isBuffer(first[3])).toBe(true);
    expect(await takeWithin(pull.recv)).toEqual([big]);
    expect(text(await takeWithin(pull.recv))).toEqual([""]);
  });

  it("pair to pair goes both ways", async () => {
    const a = await pump.socket("pair", { bind: address(transport) });
    const b = await pump.socket("pair", { connect: a.endpoints[0] });
    await a.send.put("ping");
    expect(text(await takeWithin(b.recv))).toEqual(["ping"]);
    await b.send.put(["pong", "2"]);
    expect(text(await takeWithin(a.recv))).toEqual(["pong", "2"]);
  });

  it("pub to sub delivers only subscribed topics", async () => {
    const pub = await pump.socket("pub", { bind: address(transport) });
    const sub = await pump.socket("sub", { connect: pub.endpoints[0], subscribe: ["news"] });
    // Subscriptions travel asynchronously (the slow joiner): publish until one arrives.
    let got: Buffer[] | undefined;
    for (let i = 0; i < 500 && got === undefined; i++) {
      await pub.send.put(["weather", "rain"]);
      await pub.send.put(["news", "warmup"]);
      await sleep(10);
      got = sub.recv.poll();
    }
    expect(text(got!)).toEqual(["news", "warmup"]);
    await pub.send.put(["weather", "sun"]);
    await pub.send.put(["news", "last"]);
    let frames = text(await takeWithin(sub.recv));
    while (frames[1] === "warmup") frames = text(await takeWithin(sub.recv));
    expect(frames).toEqual(["news", "last"]);
  });

  it("xpub sees raw subscription frames from xsub, and xsub receives what it subscribed to", async () => {
    const xpub = await pump.socket("xpub", { bind: address(transport) });
    const xsub = await pump.socket("xsub", { connect: xpub.endpoints[0] });
    await xsub.send.put(Buffer.concat([Buffer.from([1]), Buffer.from("t")]));
    const [subscription] = await takeWithin(xpub.recv);
    expect(subscription![0]).toBe(1);
    expect(subscription!.subarray(1).toString()).toBe("t");
    await xpub.send.put(["t", "hello"]);
    expect(text(await takeWithin(xsub.recv))).toEqual(["t", "hello"]);
  });

  it("router receives [identity, ...body] and routes by identity first", async () => {
    const router = await pump.socket("router", { bind: address(transport) });
    const dealer = await pump.socket("dealer", {
      connect: router.endpoints[0],
      options: { routingId: "d1" },
    });
    await dealer.send.put(["", "hello"]);
    expect(text(await takeWithin(router.recv))).toEqual(["d1", "", "hello"]);
    await router.send.put(["d1", "", "world"]);
    expect(text(await takeWithin(dealer.recv))).toEqual(["", "world"]);
  });

  it("a kind that cannot receive has a recv that never yields and closes with the socket", async () => {
    const pull = await pump.socket("pull", { bind: address(transport) });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    await push.send.put("x");
    await takeWithin(pull.recv);
    expect(push.recv.poll()).toBeUndefined();
    push.send.close();
    await within(push.closed, 5000, "push closed");
    expect(await within(push.recv.take(), 5000, "push recv")).toBeUndefined();
    expect(push.recv.closed).toBe(true);
  });
});

describe("bad input", () => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("throws at the put on the send of a kind that cannot send, naming the kind", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const sub = await pump.socket("sub", { connect: address("inproc") });
    expect(() => pull.send.put("x")).toThrow(/a pull socket cannot send/);
    expect(() => sub.send.offer("x")).toThrow(/a sub socket cannot send/);
    pull.send.close();
    await within(pull.closed, 5000, "pull closed");
  });
});

describe("stream: raw TCP", () => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  // A stream bound on tcp, and a raw TCP client of it that keeps what it receives.
  async function streamAndClient(): Promise<{
    stream: Sockets;
    client: net.Socket;
    received: Buffer[];
  }> {
    const stream = await pump.socket("stream", { bind: "tcp://127.0.0.1:*" });
    const port = Number(/:(\d+)$/.exec(stream.endpoints[0]!)![1]);
    const client = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    client.on("data", (d: Buffer) => received.push(d));
    return { stream, client, received };
  }

  it("serves a raw TCP client: arrival, data both ways, and [id, empty] closes the connection", async () => {
    const { stream, client, received } = await streamAndClient();
    const ended = new Promise<void>((resolve) => client.once("close", () => resolve()));
    try {
      const [id, empty] = await takeWithin(stream.recv, 5000, "the arrival");
      expect(empty).toHaveLength(0);
      client.write("hello");
      const [from, data] = await takeWithin(stream.recv, 5000, "the data");
      expect(from).toEqual(id);
      expect(data!.toString()).toBe("hello");
      await stream.send.put([id!, "world"]);
      await stream.send.put([id!, ""]); // closes the connection
      await within(ended, 5000, "the connection's close");
      expect(Buffer.concat(received).toString()).toBe("world");
    } finally {
      client.destroy();
    }
  });

  it("refuses at the put a message that is not [id, data], and later messages stay in step", async () => {
    const { stream, client, received } = await streamAndClient();
    try {
      const [id] = await takeWithin(stream.recv, 5000, "the arrival");
      const shape = /send on a stream socket: expected \[routing id, data\]/;
      expect(() => stream.send.put("x")).toThrow(shape);
      expect(() => stream.send.offer([id!, "a", "b"])).toThrow(/got 3 frames$/);
      await expect(stream.transmit(["x"])).rejects.toThrow(/transmit\(\) on a stream socket/);
      await stream.send.put([id!, "one"]);
      await stream.send.put([id!, "two"]);
      const deadline = Date.now() + 5000;
      while (Buffer.concat(received).length < 6 && Date.now() < deadline) await sleep(10);
      expect(Buffer.concat(received).toString()).toBe("onetwo");
    } finally {
      client.destroy();
    }
  });

  it("reports a connection's end as [id, empty]", async () => {
    const stream = await pump.socket("stream", { bind: "tcp://127.0.0.1:*" });
    const port = Number(/:(\d+)$/.exec(stream.endpoints[0]!)![1]);
    const client = net.connect(port, "127.0.0.1");
    const [id] = await takeWithin(stream.recv);
    client.end();
    const [gone, empty] = await takeWithin(stream.recv, 5000, "the end");
    expect(gone).toEqual(id);
    expect(empty).toHaveLength(0);
    client.destroy();
  });
});

// The draft kinds: zeromq.js's draft module, loaded on first use.
const DRAFT = zmq.capability.draft === true;
if (!DRAFT) console.log("draft kinds: SKIPPED, this zeromq.js build has no draft API");
const describeDraft = DRAFT ? describe.each(TRANSPORTS) : describe.skip.each(TRANSPORTS);

describeDraft("draft kinds over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("server and many clients: [routing id, body] on the server, [body] on each client", async () => {
    const server = await pump.socket("server", { bind: address(transport) });
    const clients: Sockets[] = [];
    for (let i = 0; i < 4; i++) {
      clients.push(await pump.socket("client", { connect: server.endpoints[0] }));
    }
    for (const [i, c] of clients.entries()) await c.send.put(`hello ${i}`);
    const ids = new Map<string, Buffer>();
    for (let n = 0; n < clients.length; n++) {
      const [id, body] = await takeWithin(server.recv);
      expect(id).toHaveLength(4);
      ids.set(body!.toString(), id!);
    }
    for (const [body, id] of ids) await server.send.put([id, `re ${body}`]);
    for (const [i, c] of clients.entries()) {
      expect(text(await takeWithin(c.recv))).toEqual([`re hello ${i}`]);
    }
    expect(() => server.send.offer([Buffer.alloc(3), "x"])).toThrow(/4-byte Buffer/);
    expect(() => server.send.offer([Buffer.alloc(4), "x", "y"])).toThrow(/got 3 frames/);
    expect(() => clients[0]!.send.offer(["a", "b"])).toThrow(/one frame/);
  });

  it("radio and dish: [group, body], groups joined and left at run time", async () => {
    const dish = await pump.socket("dish", { bind: address(transport), join: "g1" });
    const radio = await pump.socket("radio", { connect: dish.endpoints[0] });
    /** Sends to `group` until one arrives (joins travel to the radio, as subscriptions do). */
    const until = async (group: string): Promise<void> => {
      for (let i = 0; i < 200; i++) {
        await radio.send.put([group, "probe"]);
        const got = dish.recv.poll();
        if (got !== undefined && got[0]!.toString() === group) return;
        await sleep(10);
      }
      throw new Error(`nothing of ${group} arrived`);
    };
    await until("g1");
    await dish.join("g2");
    await until("g2");
    await dish.leave("g1");
    await sleep(100);
    while (dish.recv.poll() !== undefined);
    await radio.send.put(["g1", "left"]);
    await radio.send.put(["g2", "joined"]);
    expect(text(await takeWithin(dish.recv))).toEqual(["g2", "joined"]);
    await sleep(50);
    expect(dish.recv.poll()).toBeUndefined();
    await expect(radio.join("g")).rejects.toThrow(/a radio socket cannot join/);
  });

  it("dish: a bad join or leave names the call and the group, the same on both engines", async () => {
    const dish = await pump.socket("dish", { bind: address(transport), join: "a" });
    await expect(dish.join("g".repeat(256))).rejects.toThrow(
      "join(): argument 1 is a group of 256 bytes (ZeroMQ's groups take at most 255)",
    );
    await expect(dish.join()).rejects.toThrow("join(): no group given (give at least one)");
    await expect(dish.join("a")).rejects.toThrow('join("a"): this dish has joined it already');
    await expect(dish.leave("b")).rejects.toMatchObject({
      message: 'leave("b"): this dish has not joined it',
      code: "EINVAL",
    });
    await expect(
      pump.socket("dish", { bind: address(transport), join: ["ok", "g".repeat(256)] }),
    ).rejects.toThrow(/join has a group of 256 bytes/);
    await dish.join("g".repeat(255), "b"); // the longest group, and the calls after the failures
    await dish.leave("b");
  });

  it("scatter to gathers: each message to one of them, none lost", async () => {
    const scatter = await pump.socket("scatter", { bind: address(transport) });
    const gathers = [
      await pump.socket("gather", { connect: scatter.endpoints[0] }),
      await pump.socket("gather", { connect: scatter.endpoints[0] }),
    ];
    await sleep(50); // both connected, so both get some
    for (let i = 0; i < 20; i++) await scatter.send.put(String(i));
    const got: string[] = [];
    while (got.length < 20) {
      for (const g of gathers) {
        const m = g.recv.poll();
        if (m !== undefined) got.push(m[0]!.toString());
      }
      if (got.length < 20) await sleep(5);
    }
    expect(got.map(Number).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(() => gathers[0]!.send.offer("x")).toThrow(/gather socket cannot send/);
  });
});

/** Ports free on 127.0.0.1 for UDP now (the OS picks them; the sockets are closed again). */
async function freeUdpPorts(n: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from({ length: n }, () => {
      const s = dgram.createSocket("udp4");
      return new Promise<dgram.Socket>((resolve) => s.bind(0, "127.0.0.1", () => resolve(s)));
    }),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

// DATAGRAM is UDP only, so not one of TRANSPORTS.
(DRAFT ? describe : describe.skip)("datagram (draft, udp)", () => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  /** Sends from `from` until `to` receives one (UDP may drop, if rarely over loopback). */
  async function exchange(from: Sockets, to: Sockets, message: Array<string | Buffer>) {
    for (let i = 0; i < 50; i++) {
      await from.send.put(message);
      try {
        return await takeWithin(to.recv, 100, "a datagram");
      } catch {
        // resend
      }
    }
    throw new Error("no datagram arrived in 50 tries");
  }

  it("[address, body] both ways; a reply goes back to the address that came in", async () => {
    const [pa, pb] = await freeUdpPorts(2);
    const a = await pump.socket("datagram", { bind: `udp://127.0.0.1:${pa}` });
    const b = await pump.socket("datagram", { bind: `udp://127.0.0.1:${pb}` });
    expect(a.endpoints).toEqual([`udp://127.0.0.1:${pa}`]); // libzmq's own lacks the scheme
    const [from, body] = await exchange(b, a, [`127.0.0.1:${pa}`, "hello"]);
    // libzmq ends the address it received with a NUL byte
    expect(from!.toString().replace(/\0$/, "")).toBe(`127.0.0.1:${pb}`);
    expect(body!.toString()).toBe("hello");
    const [back, bytes] = await exchange(a, b, [from!, Buffer.from([0, 1, 255])]);
    expect(back!.toString().replace(/\0$/, "")).toBe(`127.0.0.1:${pa}`);
    expect([...bytes!]).toEqual([0, 1, 255]);
    expect(() => a.send.offer(["x"])).toThrow(/expected \[address, body\], got 1 frame$/);
    expect(() => a.send.offer(["a", "b", "c"])).toThrow(/got 3 frames/);
    await expect(pump.socket("datagram", { connect: `udp://127.0.0.1:${pa}` })).rejects.toThrow(
      /not compatible/,
    );
  });

  it("refuses at the put what libzmq would drop unsaid or overflow on", async () => {
    const [port] = await freeUdpPorts(1);
    const a = await pump.socket("datagram", { bind: `udp://127.0.0.1:${port}` });
    const address = /expected the address as "ipv4:port"/;
    expect(() => a.send.offer(["localhost:5555", "x"])).toThrow(address);
    expect(() => a.send.offer(["127.0.0.1", "x"])).toThrow(address);
    expect(() => a.send.offer(["127.0.0.256:5555", "x"])).toThrow(address);
    expect(() => a.send.offer(["127.0.0.1:0", "x"])).toThrow(address);
    expect(() => a.send.offer(["127.0.0.1:65536", "x"])).toThrow(address);
    expect(() => a.send.offer([`127.0.0.1:${port}`, Buffer.alloc(8193)])).toThrow(
      /at most 8192 bytes .* got 8193/,
    );
    // what was refused never reached libzmq: the socket still works, the biggest body included
    const [out, big] = await exchange(a, a, [`127.0.0.1:${port}\0`, Buffer.alloc(8192, 1)]);
    expect(out!.toString()).toBe(`127.0.0.1:${port}\0`);
    expect(big).toEqual(Buffer.alloc(8192, 1));
  });

  it("a socket that is not bound reports its sends on errors (libzmq has no pipe)", async () => {
    const lone = await pump.socket("datagram");
    await lone.send.put(["127.0.0.1:5555", "nowhere"]);
    const error = await takeWithin(pump.errors, 2000, "a PumpError");
    expect(error.code).toBe("ENOTCONN");
    expect((error.cause as Error).message).toMatch(/sends only while it is bound/);
    expect(error.unsent).toEqual(["127.0.0.1:5555", "nowhere"]);
    // bound at run time, it sends (libzmq cannot unbind a udp endpoint: ENOENT)
    const [pa, pb] = await freeUdpPorts(2);
    const peer = await pump.socket("datagram", { bind: `udp://127.0.0.1:${pb}` });
    await lone.bind(`udp://127.0.0.1:${pa}`);
    const [, body] = await exchange(lone, peer, [`127.0.0.1:${pb}`, "now"]);
    expect(body!.toString()).toBe("now");
    await expect(lone.unbind(`udp://127.0.0.1:${pa}`)).rejects.toThrow(
      /^unbind\("udp:\/\/127\.0\.0\.1:\d+"\): libzmq cannot unbind a udp endpoint: close the socket/,
    );
  });
});
