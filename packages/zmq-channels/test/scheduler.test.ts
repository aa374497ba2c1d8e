// The shared budget (scheduler.ts): a flooding or blocked socket does not starve the others.
import { chan } from "@sluice/channels";
import { Pump, type PumpError } from "@sluice/zmq-channels";
import { address, sleep, takeN, takeWithin, text, TRANSPORTS, within } from "./helpers";
import { rawPeer } from "./raw-peer";
import { Scheduler } from "../src/scheduler";
import { TURN_BUDGET, TURN_MS } from "../src/tuning";

describe.each(TRANSPORTS)("the pump over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("serves a quiet socket while another one floods (per-socket budget and yield)", async () => {
    const N = 20000;
    const flood = await pump.socket("pull", { bind: address(transport), recv: chan(N) });
    const quiet = await pump.socket("pull", { bind: address(transport) });
    // Peers on the pump's engine, so that they reach it over inproc too.
    const floodPeer = rawPeer(pump.engine, "push", { sendHighWaterMark: N + 10 });
    const quietPeer = rawPeer(pump.engine, "push");
    try {
      floodPeer.connect(flood.endpoints[0]!);
      quietPeer.connect(quiet.endpoints[0]!);
      await sleep(20); // connected
      const sends: Promise<void>[] = [];
      for (let i = 0; i < N; i++) sends.push(floodPeer.send(String(i)));
      await Promise.all(sends);
      // Sent from a timer: it can only run once the pump lets the event loop turn.
      setTimeout(() => void quietPeer.send("quiet").catch(() => undefined), 0);
      expect(text(await takeWithin(quiet.recv))).toEqual(["quiet"]);
      let delivered = 0;
      while (flood.recv.poll() !== undefined) delivered++;
      expect(delivered).toBeLessThan(N); // the flood had not monopolised the loop
      const rest = await takeN(flood.recv, N - delivered, 10000);
      expect(rest.map((m) => Number(m[0]!.toString()))).toEqual(
        Array.from({ length: N - delivered }, (_, i) => delivered + i),
      );
    } finally {
      floodPeer.close();
      quietPeer.close();
    }
  });

  it("keeps other sockets flowing while one socket cannot send", async () => {
    // A dealer (sends and receives) and a push (send only) with no peer: their sends block.
    const stuckDealer = await pump.socket("dealer", {
      bind: address(transport),
      options: { linger: 50 },
    });
    const stuckPush = await pump.socket("push", {
      bind: address(transport),
      options: { linger: 50 },
    });
    for (let i = 0; i < 5; i++) {
      await stuckDealer.send.put(`stuck ${i}`);
      await stuckPush.send.put(`stuck ${i}`);
    }
    const pull = await pump.socket("pull", { bind: address(transport) });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    const N = 2000;
    const sending = (async () => {
      for (let i = 0; i < N; i++) await push.send.put(String(i));
    })();
    const got = await takeN(pull.recv, N, 5000);
    await sending;
    expect(got.map((m) => m[0]!.toString())).toEqual(Array.from({ length: N }, (_, i) => `${i}`));
    // Closing gives the stuck ones their linger, then reports each message that did not go.
    await within(pump.close(), 5000, "pump.close()");
    const errors: PumpError[] = [];
    for (let e = await pump.errors.take(); e !== undefined; e = await pump.errors.take()) {
      errors.push(e);
    }
    const unsent = (kind: string): unknown[] =>
      errors.filter((e) => e.kind === kind).map((e) => e.unsent);
    expect(errors.every((e) => e.code === "EAGAIN")).toBe(true);
    expect(unsent("dealer")).toEqual([0, 1, 2, 3, 4].map((i) => `stuck ${i}`));
    expect(unsent("push")).toEqual([0, 1, 2, 3, 4].map((i) => `stuck ${i}`));
  });
});

// The turn's bounds themselves (P53), on a clock the test moves: `performance.now()` mocked.
describe("a turn's budget", () => {
  let clock = 0;
  beforeEach(() => {
    clock = 0;
    jest.spyOn(performance, "now").mockImplementation(() => clock);
  });
  afterEach(() => jest.restoreAllMocks());

  // How many spend() calls a turn takes before one reports it spent.
  const spendUntilOver = (s: Scheduler, most = TURN_BUDGET + 64): number => {
    for (let i = 1; i <= most; i++) if (s.spend()) return i;
    return -1;
  };

  it("stays spent once its time is up, for every lane that comes after", async () => {
    const s = new Scheduler();
    for (let i = 0; i < 32; i++) expect(s.spend()).toBe(false); // the clock is read at the 32nd
    clock += TURN_MS;
    expect(spendUntilOver(s)).toBe(32); // seen at the next 64th message
    // Each later message is refused at once, not only at the next multiple of 32.
    for (let i = 0; i < 40; i++) expect(s.spend()).toBe(true);
    await s.turn();
    expect(s.spend()).toBe(false); // a new turn
  });
});
