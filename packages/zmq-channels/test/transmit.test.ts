// sockets.transmit(): one message with its own outcome, in its place among the puts.
import { chan } from "@sluice/channels";
import { Pump, PumpError, type Message } from "@sluice/zmq-channels";
import { address, sleep, takeN, takeWithin, text, TRANSPORTS, within } from "./helpers";

let pump: Pump;
beforeEach(() => (pump = new Pump()));
afterEach(() => pump.close());

/** Settles `p` into a value a test can look at without an unhandled rejection. */
function outcome<T>(p: Promise<T>): { state: string; value?: unknown } {
  const seen: { state: string; value?: unknown } = { state: "pending" };
  p.then(
    (value) => Object.assign(seen, { state: "fulfilled", value }),
    (value: unknown) => Object.assign(seen, { state: "rejected", value }),
  );
  return seen;
}

describe.each(TRANSPORTS)("transmit over %s", (transport) => {
  it("goes out in its place among the puts and resolves once handed to libzmq", async () => {
    const pull = await pump.socket("pull", { bind: address(transport) });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    void push.send.put("a");
    void push.send.put("b");
    const c = push.transmit("c");
    void push.send.put("d");
    await within(c, 5000, "transmit");
    const got = await takeN(pull.recv, 4);
    expect(got.map((m) => text(m)[0])).toEqual(["a", "b", "c", "d"]);
  });
});

describe("transmit", () => {
  it("rejects with EHOSTUNREACH on a mandatory ROUTER, and nothing goes on errors", async () => {
    const router = await pump.socket("router", {
      bind: address("inproc"),
      options: { mandatory: true },
    });
    const failure = await router.transmit(["nobody", "", "hi"]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PumpError);
    expect(failure).toMatchObject({ code: "EHOSTUNREACH", kind: "router" });
    expect((failure as PumpError).unsent).toEqual(["nobody", "", "hi"]);
    // The same message put on send is reported on errors: transmit's went to its caller only.
    await router.send.put(["nobody", "", "put"]);
    const reported = await takeWithin(pump.errors, 5000, "the put's error");
    expect(reported.unsent).toEqual(["nobody", "", "put"]);
    expect(pump.errors.poll()).toBeUndefined();
  });

  it("rejects once the linger expired when the socket closes with it in flight", async () => {
    // A DEALER with no peer (immediate: no queue before a connection): nothing can go out.
    const dealer = await pump.socket("dealer", {
      connect: address("ipc"),
      options: { linger: 50, immediate: true },
    });
    const sent = outcome(dealer.transmit("stuck"));
    await sleep(20);
    expect(sent.state).toBe("pending");
    const started = performance.now();
    dealer.send.close();
    await within(dealer.closed, 5000, "close");
    await sleep(0);
    expect(sent.state).toBe("rejected");
    expect(sent.value).toMatchObject({ code: "EAGAIN", unsent: "stuck" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(pump.errors.poll()).toBeUndefined();
  });

  it("is withdrawn by an abort while it waits, and a later message still goes", async () => {
    const endpoint = address("ipc");
    const dealer = await pump.socket("dealer", { connect: endpoint, options: { immediate: true } });
    const abort = new AbortController();
    const first = outcome(dealer.transmit("withdrawn", { signal: abort.signal }));
    const second = outcome(dealer.transmit("queued", { signal: abort.signal }));
    await sleep(20);
    abort.abort(new Error("changed my mind"));
    await sleep(0);
    expect(first).toEqual({ state: "rejected", value: new Error("changed my mind") });
    expect(second).toEqual({ state: "rejected", value: new Error("changed my mind") });
    const later = dealer.transmit("later");
    const router = await pump.socket("router", { bind: endpoint });
    await within(later, 5000, "the later transmit");
    const [, body] = await takeWithin(router.recv);
    expect(body!.toString()).toBe("later");
    await sleep(20);
    expect(router.recv.poll()).toBeUndefined();
  });

  it("on a push with no peer, is withdrawn by an abort and never goes out", async () => {
    // On the zeromq.js engine a push waits inside zeromq.js with the message: the abort takes
    // effect when that wait gives it back, within ABORT_RECHECK ms (P22).
    const push = await pump.socket("push", { bind: address("tcp") });
    const abort = new AbortController();
    const withdrawn = outcome(push.transmit("withdrawn", { signal: abort.signal }));
    await sleep(30);
    expect(withdrawn.state).toBe("pending");
    abort.abort(new Error("no"));
    await sleep(60);
    expect(withdrawn).toEqual({ state: "rejected", value: new Error("no") });
    const pull = await pump.socket("pull", { connect: push.endpoints[0] });
    await push.send.put("after");
    expect(text(await takeWithin(pull.recv))).toEqual(["after"]);
    await sleep(20);
    expect(pull.recv.poll()).toBeUndefined();
  });

  it("once withdrawn while the socket blocked, counts in stats no more", async () => {
    const dealer = await pump.socket("dealer", {
      connect: address("ipc"),
      options: { immediate: true }, // no peer: the transmission blocks in the lane
    });
    const abort = new AbortController();
    const withdrawn = outcome(dealer.transmit("withdrawn", { signal: abort.signal }));
    await sleep(20);
    expect(pump.stats().sockets[0]).toMatchObject({ sendQueued: 1, blocked: true });
    abort.abort(new Error("changed my mind"));
    await sleep(0);
    expect(withdrawn.state).toBe("rejected");
    // It waits for nothing now: stats says so at once, not when the lane next looks.
    expect(pump.stats().sockets[0]).toMatchObject({ sendQueued: 0, blocked: false });
  });

  it("is withdrawn by an abort while it waits in send, on a socket that is writable", async () => {
    // A REQ's second message waits in send until the reply to the first comes back.
    const rep = await pump.socket("rep", { bind: address("inproc") });
    const req = await pump.socket("req", { connect: rep.endpoints[0] });
    await req.send.put("first");
    const abort = new AbortController();
    const second = outcome(req.transmit("second", { signal: abort.signal }));
    await req.send.put("third");
    expect(text(await takeWithin(rep.recv))).toEqual(["first"]);
    abort.abort(new Error("not any more"));
    await rep.send.put("reply");
    expect(text(await takeWithin(req.recv))).toEqual(["reply"]);
    expect(text(await takeWithin(rep.recv))).toEqual(["third"]);
    expect(second).toEqual({ state: "rejected", value: new Error("not any more") });
  });

  it("rejects at once with the reason of a signal already aborted, sending nothing", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    const reason = new Error("too late");
    await expect(push.transmit("no", { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await push.send.put("yes");
    expect(text(await takeWithin(pull.recv))).toEqual(["yes"]);
    expect(pull.recv.poll()).toBeUndefined();
  });

  it("goes out on a socket whose send channel is the user's, waking the lane", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const mine = chan<Message>(4);
    const push = await pump.socket("push", { connect: pull.endpoints[0], send: mine });
    await sleep(10); // the lane now waits on the user's empty channel
    await within(push.transmit("from transmit"), 5000, "transmit");
    await mine.put("from put");
    const got = await takeN(pull.recv, 2);
    expect(got.map((m) => text(m)[0])).toEqual(["from transmit", "from put"]);
  });

  it("refuses what could never go out, naming it, at the call", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    await expect(pull.transmit("x")).rejects.toThrow(
      new TypeError("transmit(): a pull socket cannot send"),
    );
    await expect(push.transmit(42 as never)).rejects.toThrow(
      /transmit\(\) on a push socket: .*got the number 42/,
    );
    await expect(push.transmit("x", { signal: "soon" as never })).rejects.toThrow(
      new TypeError(
        'transmit(message, opts): opts.signal must be an AbortSignal, got the string "soon"',
      ),
    );
    push.send.close();
    await expect(push.transmit("x")).rejects.toThrow(
      new Error("transmit(): the push socket's send channel is closed"),
    );
  });

  it("is a closure: it works destructured", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const { transmit } = await pump.socket("push", { connect: pull.endpoints[0] });
    await within(transmit("alone"), 5000, "transmit");
    expect(text(await takeWithin(pull.recv))).toEqual(["alone"]);
  });
});
