// pump.stats(): a snapshot of what each socket has done and what waits.
import { Pump } from "@sluice/zmq-channels";
import { address, sleep, takeWithin } from "./helpers";

let pump: Pump;
beforeEach(() => (pump = new Pump()));
afterEach(() => pump.close());

/** Polls `check` until it holds (bounded), so a test waits for the pump, not for a guess. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) throw new Error(`not within ${ms} ms`);
    await sleep(5);
  }
}

describe("pump.stats", () => {
  it("counts what each socket sent and received, and what waits on recv, in the order added", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    for (const m of ["a", "b", "c"]) await push.send.put(m);
    await eventually(() => pump.stats().sockets[0]!.received === 3);
    const { sockets, droppedErrors } = pump.stats();
    expect(sockets).toEqual([
      {
        kind: "pull",
        endpoints: [pull.endpoints[0]],
        sent: 0,
        received: 3,
        sendQueued: 0,
        recvQueued: 3,
        blocked: false,
        errors: 0,
      },
      {
        kind: "push",
        endpoints: [pull.endpoints[0]],
        sent: 3,
        received: 0,
        sendQueued: 0,
        recvQueued: 0,
        blocked: false,
        errors: 0,
      },
    ]);
    expect(droppedErrors).toBe(0);
    await takeWithin(pull.recv);
    expect(pump.stats().sockets[0]!.recvQueued).toBe(2);
  });

  it("shows a send blocked now, and the messages waiting behind it", async () => {
    // immediate: no queue before a connection, so nothing can go out.
    const dealer = await pump.socket("dealer", {
      connect: address("ipc"),
      options: { immediate: true, linger: 0 },
    });
    for (const m of ["a", "b", "c"]) await dealer.send.put(m);
    await eventually(() => pump.stats().sockets[0]!.blocked);
    expect(pump.stats().sockets[0]).toMatchObject({ sent: 0, sendQueued: 3, blocked: true });
  });

  it("a blocked socket holds send's buffer + 1 (zeromq.js) or + one batch of 64 (native)", async () => {
    // The peer reads nothing (its recv closed), so once both high-water marks are full the
    // sender blocks; offers then fill `send` and the pump holds what it took out of it (P52).
    const peer = await pump.socket("dealer", {
      bind: address("inproc"),
      options: { receiveHighWaterMark: 10 },
    });
    peer.recv.close();
    const dealer = await pump.socket("dealer", {
      connect: peer.endpoints[0],
      options: { sendHighWaterMark: 10, linger: 0 },
    });
    for (let i = 0; i < 2000; i++) {
      if (!dealer.send.offer(String(i))) await sleep(1);
    }
    await eventually(() => pump.stats().sockets[1]!.blocked);
    const { sent, sendQueued } = pump.stats().sockets[1]!;
    expect(sendQueued).toBeGreaterThanOrEqual(128);
    expect(sendQueued).toBeLessThanOrEqual(128 + (pump.engine === "native" ? 64 : 1));
    expect(sent + sendQueued).toBeLessThan(2000); // it did block: not everything was accepted
  });

  it("counts a socket's errors, and leaves closed sockets out", async () => {
    const router = await pump.socket("router", {
      bind: address("inproc"),
      options: { mandatory: true },
    });
    const other = await pump.socket("pull", { bind: address("inproc") });
    await router.send.put(["nobody", "x"]);
    await takeWithin(pump.errors);
    expect(pump.stats().sockets.map((s) => [s.kind, s.errors])).toEqual([
      ["router", 1],
      ["pull", 0],
    ]);
    router.send.close();
    await router.closed;
    await sleep(0);
    expect(pump.stats().sockets.map((s) => s.kind)).toEqual(["pull"]);
    other.send.close();
  });

  it("counts the loop's turns", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    const before = pump.stats().turns;
    // More than one socket's budget (256) makes the lanes yield to the loop.
    for (let i = 0; i < 600; i++) await push.send.put("m");
    for (let i = 0; i < 600; i++) await takeWithin(pull.recv);
    expect(pump.stats().turns).toBeGreaterThan(before);
  });
});
