// One socket's lifecycle (bridge.ts): closing send sends what was put, then closes the socket
// and recv; many sockets opened and closed under traffic.
import * as fs from "node:fs";
import { chan } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { address, sleep, takeN, takeWithin, text, TRANSPORTS, within } from "./helpers";

// Open file descriptors of this process (Linux), or undefined where /proc is missing.
function openDescriptors(): number | undefined {
  try {
    return fs.readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}

describe.each(TRANSPORTS)("a bridged socket over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("opens and closes 1,000 sockets under traffic without losing messages or stalling", async () => {
    const before = openDescriptors();
    const steadyIn = await pump.socket("pull", { bind: address(transport) });
    const steadyOut = await pump.socket("push", { connect: steadyIn.endpoints[0] });
    let steadySent = 0;
    let churning = true;
    const background = (async () => {
      while (churning) {
        await steadyOut.send.put(String(steadySent++));
        if (steadySent % 50 === 0) await sleep(1);
      }
      await steadyOut.send.put("end");
    })();
    // Read the steady socket all along. (This test once read it only after the churn, so on a
    // slow run the producer filled every buffer and high-water mark on the way — back-pressure
    // doing its job — and waited forever.)
    const steady: number[] = [];
    const consumer = (async () => {
      for (;;) {
        const [m] = await takeWithin(steadyIn.recv, 10_000, "a steady message");
        if (m!.toString() === "end") return;
        steady.push(Number(m!.toString()));
      }
    })();
    const WAVES = 10;
    const PAIRS = 50; // 10 waves × 50 pairs × 2 = 1,000 sockets
    for (let wave = 0; wave < WAVES; wave++) {
      const pairs = await within(
        Promise.all(
          Array.from({ length: PAIRS }, async () => {
            const pull = await pump.socket("pull", { bind: address(transport) });
            const push = await pump.socket("push", { connect: pull.endpoints[0] });
            return { pull, push };
          }),
        ),
        5000,
        `opening wave ${wave}`,
      );
      await Promise.all(
        pairs.map(async ({ pull, push }, p) => {
          for (let i = 0; i < 10; i++) {
            await within(push.send.put(`${wave}.${p}.${i}`), 5000, "a put");
          }
          const got = await takeN(pull.recv, 10);
          expect(got.map((m) => m[0]!.toString())).toEqual(
            [...Array(10).keys()].map((i) => `${wave}.${p}.${i}`),
          );
          push.send.close();
          pull.send.close();
          await within(Promise.all([push.closed, pull.closed]), 5000, "pair closed");
          expect(await within(pull.recv.take(), 5000, "recv closing")).toBeUndefined();
        }),
      );
    }
    churning = false;
    await within(background, 5000, "the steady producer");
    await within(consumer, 5000, "the steady consumer");
    expect(steady).toEqual([...Array(steadySent).keys()]);
    // No leak: libzmq reaps closed sockets in the background; their descriptors come back.
    if (before !== undefined) {
      let now = openDescriptors()!;
      for (let i = 0; i < 100 && now > before + 50; i++) {
        await sleep(20);
        now = openDescriptors()!;
      }
      expect(now).toBeLessThanOrEqual(before + 50);
    }
  });
});

describe.each(TRANSPORTS)("the pump over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("sends everything put before send was closed, then closes socket and recv", async () => {
    const receiver = new Pump();
    try {
      const pull = await receiver.socket("pull", { bind: address(transport) });
      const push = await pump.socket("push", { connect: pull.endpoints[0] });
      const N = 1000; // the buffer (128) plus pending puts (at most 1024)
      const puts: Promise<boolean>[] = [];
      for (let i = 0; i < N; i++) puts.push(push.send.put(String(i)));
      push.send.close(); // puts pending or buffered: all must still go out
      const got = await takeN(pull.recv, N, 10000);
      expect(got.map((m) => Number(m[0]!.toString()))).toEqual([...Array(N).keys()]);
      expect(await Promise.all(puts)).toEqual(Array(N).fill(true));
      await within(push.closed, 5000, "push closed");
      expect(await within(push.recv.take(), 5000, "push recv")).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it("settles closed without waiting for recv to be drained; what arrived stays takeable", async () => {
    const recv = chan<Buffer[]>(1);
    const pull = await pump.socket("pull", { bind: address(transport), recv });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    for (const m of ["a", "b", "c"]) await push.send.put(m);
    // "a" fills recv's buffer, "b" waits as a pending put; nobody takes yet.
    for (let i = 0; i < 200 && recv.poll() === undefined; i++) await sleep(5);
    await sleep(20);
    pull.send.close();
    await within(pull.closed, 5000, "pull closed");
    const rest: string[] = [];
    for (let m = await recv.take(); m !== undefined; m = await recv.take()) rest.push(text(m)[0]!);
    // "a" was taken by the poll above; what the pump had read before the close is still there.
    expect(rest.length).toBeGreaterThan(0);
    expect(rest).toEqual(["b", "c"].slice(0, rest.length));
    expect(recv.closed).toBe(true);
  });
});
