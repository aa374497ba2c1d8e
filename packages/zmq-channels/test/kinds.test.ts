// Every socket kind of the contract, over every transport: what it sends, what arrives.
import { Pump } from "@sluice/zmq-channels";
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
