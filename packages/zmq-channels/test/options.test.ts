// socket()'s options end to end (options.ts): kinds, keys and options checked before any
// socket exists, values zeromq refuses, bad endpoints.
import { curveKeyPair, Pump } from "@sluice/zmq-channels";
import { address, takeWithin, text } from "./helpers";

describe("bad input", () => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("rejects an unknown kind, key or option before creating any socket", async () => {
    const at = address("inproc");
    await expect(pump.socket("nope" as "pair", { bind: at })).rejects.toThrow(
      /unknown socket kind/,
    );
    await expect(pump.socket("push", { bind: at, bogus: 1 } as object)).rejects.toThrow(
      /unknown key "bogus"/,
    );
    await expect(pump.socket("push", { bind: [at, 5] } as never)).rejects.toThrow(
      'socket("push", opts): bind must be a string or string[], got the number 5 at bind[1]',
    );
    // Both are compile errors too (options are typed by kind); the run-time check is for
    // callers without types.
    await expect(
      // @ts-expect-error: no such option
      pump.socket("push", { bind: at, options: { sendHighWaterMrak: 5 } }),
    ).rejects.toThrow(/unknown option "sendHighWaterMrak"/);
    await expect(
      // @ts-expect-error: a pull socket has no sendHighWaterMark
      pump.socket("pull", { bind: at, options: { sendHighWaterMark: 5 } }),
    ).rejects.toThrow(/unknown option "sendHighWaterMark" for a pull socket/);
    await expect(
      // @ts-expect-error: the pump's own
      pump.socket("pull", { bind: at, options: { receiveTimeout: 100 } }),
    ).rejects.toThrow(/option "receiveTimeout" is managed by the pump; .*select on recv/);
    await expect(
      // @ts-expect-error: an XPUB in manual mode would have to subscribe itself
      pump.socket("xpub", { bind: at, options: { manual: true } }),
    ).rejects.toThrow(/option "manual" \(manual subscriptions\) cannot work/);
    await expect(pump.socket("pull", { bind: at, subscribe: "" })).rejects.toThrow(
      /cannot subscribe/,
    );
    // None of those created a socket: the address is still free to bind.
    const pull = await pump.socket("pull", { bind: at });
    expect(pull.endpoints).toEqual([at]);
  });

  it("rejects a send or recv that is not a Channel, naming one of another copy of @sluice/channels", async () => {
    let other!: typeof import("@sluice/channels");
    jest.isolateModules(() => {
      other = require("@sluice/channels");
    });
    const at = address("inproc");
    await expect(pump.socket("push", { bind: at, send: {} as never })).rejects.toThrow(
      /send must be a Channel from @sluice\/channels, got an object$/,
    );
    await expect(pump.socket("pull", { bind: at, recv: other.chan(1) as never })).rejects.toThrow(
      /recv must be a Channel from @sluice\/channels, and this one is from another copy of it/,
    );
  });

  it("rejects an option value zeromq refuses, naming the option and the value", async () => {
    // (That the half-made socket is closed shows only at process exit: test/dist.test.ts.)
    await expect(
      pump.socket("push", { options: { linger: 5, sendHighWaterMark: -5 } }),
    ).rejects.toThrow(/^socket\("push"\): option "sendHighWaterMark" refused the number -5: /);
    await expect(
      pump.socket("dealer", { options: { routingId: "x".repeat(300) } }),
    ).rejects.toThrow(/option "routingId" refused a string of 300 characters/);
  });

  it("never shows a refused secret: a key or password mistyped is nearly the right one", async () => {
    const secret = curveKeyPair().secretKey.slice(0, 39); // one character short
    const refused = pump.socket("router", {
      options: { curveServer: true, curveSecretKey: secret },
    });
    await expect(refused).rejects.toThrow(
      /option "curveSecretKey" refused a string of 39 characters \(not shown\)/,
    );
    await expect(refused).rejects.not.toThrow(secret);
    const ok = await pump.socket("dealer", {});
    const bytes = Buffer.from(secret.slice(0, 31));
    const set = ok.set("curveSecretKey", bytes);
    await expect(set).rejects.toThrow(/refused a Buffer of 31 bytes \(not shown\)/);
    await expect(set).rejects.not.toThrow(secret.slice(0, 31));
  });

  it("refuses a number a numeric option cannot hold, the same on both engines", async () => {
    // (zeromq.js and N-API wrapped or clamped these silently: an affinity of -1 read back as 0
    // on one engine and 2^64 - 1 on the other)
    await expect(pump.socket("dealer", { options: { affinity: -1 } })).rejects.toThrow(
      /^socket\("dealer"\): option "affinity" refused the number -1: it must be an integer from 0 to 9007199254740991$/,
    );
    await expect(pump.socket("dealer", { options: { affinity: 2 ** 64 } })).rejects.toThrow(
      TypeError,
    );
    await expect(pump.socket("dealer", { options: { linger: 1.5 } })).rejects.toThrow(
      /option "linger" refused the number 1.5: it must be an integer from -2147483648/,
    );
    await expect(
      pump.socket("dealer", { options: { sendHighWaterMark: 2 ** 40 } }),
    ).rejects.toThrow(TypeError);
    const ok = await pump.socket("dealer", { options: { affinity: 3, linger: -1 } });
    expect([await ok.get("affinity"), await ok.get("linger")]).toEqual([3, -1]);
    await expect(ok.set("affinity", -1)).rejects.toThrow(
      /^set\("affinity", value\): the dealer socket refused the number -1: it must be an integer/,
    );
    expect(await ok.get("affinity")).toBe(3); // unchanged
    await ok.set("linger", 0);
  });

  it("rejects a bad endpoint with a TypeError naming it, zeromq's code kept", async () => {
    const transport = pump.socket("pull", { bind: "nonsense://x" });
    await expect(transport).rejects.toThrow(TypeError);
    await expect(transport).rejects.toThrow(
      /^bind\("nonsense:\/\/x"\): zeromq has no transport "nonsense"/,
    );
    await expect(transport).rejects.toMatchObject({
      code: "EPROTONOSUPPORT",
      address: "nonsense://x",
    });
    const malformed = pump.socket("push", { connect: "tcp://" });
    await expect(malformed).rejects.toThrow(TypeError);
    await expect(malformed).rejects.toThrow(
      /^connect\("tcp:\/\/"\): not an endpoint zeromq can parse/,
    );
    await expect(malformed).rejects.toMatchObject({ code: "EINVAL" });
  });

  it("refuses a tcp port out of 0..65535 that libzmq would wrap, in socket() and the calls", async () => {
    const port = /the port must be a number from 0 to 65535 or \*, got "(99999|-1|70000|5555x)"/;
    await expect(pump.socket("pull", { bind: "tcp://127.0.0.1:99999" })).rejects.toThrow(port);
    await expect(pump.socket("pull", { bind: "tcp://127.0.0.1:99999" })).rejects.toMatchObject({
      code: "EINVAL",
      address: "tcp://127.0.0.1:99999",
    });
    const a = await pump.socket("push", { bind: "tcp://127.0.0.1:*" });
    await expect(a.bind("tcp://127.0.0.1:-1")).rejects.toThrow(port);
    await expect(a.connect("tcp://localhost:70000")).rejects.toThrow(TypeError);
    await expect(a.connect("tcp://127.0.0.1:5555x")).rejects.toThrow(port);
    await expect(a.connect("tcp://127.0.0.1:5;127.0.0.1:70000")).rejects.toThrow(/"70000"/);
    expect(a.endpoints).toHaveLength(1); // none of them was bound
    await a.connect("tcp://127.0.0.1:65535"); // the top of the range, and a source address
    await a.connect("tcp://127.0.0.1:0;127.0.0.1:65534");
  });

  it("names the endpoint of a refused call, the same on both engines", async () => {
    const a = await pump.socket("pull", { bind: "tcp://127.0.0.1:*" });
    const taken = a.endpoints[0]!;
    // in use: not a bad argument, an Error naming the address
    const inUse = pump.socket("pull", { bind: taken });
    await expect(inUse).rejects.toThrow(`bind("${taken}"): `);
    await expect(inUse).rejects.toMatchObject({ code: "EADDRINUSE", address: taken });
    await expect(inUse).rejects.not.toThrow(TypeError);
    // the control calls: a malformed endpoint, or one the socket does not have, is a TypeError
    await expect(a.connect("nonsense")).rejects.toThrow(TypeError);
    await expect(a.connect("nonsense")).rejects.toThrow(/^connect\("nonsense"\): /);
    const nothing = "tcp://127.0.0.1:1";
    await expect(a.unbind(nothing)).rejects.toThrow(TypeError);
    await expect(a.unbind(nothing)).rejects.toThrow(
      `unbind("${nothing}"): this socket has no such endpoint`,
    );
    await expect(a.disconnect(nothing)).rejects.toMatchObject({
      code: "ENOENT",
      message: `disconnect("${nothing}"): this socket has no such endpoint (disconnect takes the address it connected to)`,
    });
    // nothing queued was lost by the failed calls: the socket still works
    const push = await pump.socket("push", { connect: taken });
    await push.send.put("after");
    expect(text(await takeWithin(a.recv))).toEqual(["after"]);
  });
});
