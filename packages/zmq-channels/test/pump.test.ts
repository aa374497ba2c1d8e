// The pump as a whole: many sockets, full duplex, back-pressure, independence, lifecycle.
import * as zmq from "zeromq";
import { chan, pipe, select, type Channel } from "@sluice/channels";
import { Pump, type Message, type PumpError, type Sockets } from "@sluice/zmq-channels";
import { address, takeN, takeWithin, text, TRANSPORTS, within } from "./helpers";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe.each(TRANSPORTS)("the pump over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("select takes from whichever of 100 sockets has a message", async () => {
    const pulls: Sockets[] = [];
    const pushes: Sockets[] = [];
    for (let i = 0; i < 100; i++) {
      const pull = await pump.socket("pull", { bind: address(transport) });
      pulls.push(pull);
      pushes.push(await pump.socket("push", { connect: pull.endpoints[0] }));
    }
    const chosen = [3, 17, 42, 64, 99];
    for (const i of chosen) await pushes[i]!.send.put(String(i));
    const seen: number[] = [];
    const recvs = pulls.map((p) => p.recv);
    while (seen.length < chosen.length) {
      const { channel, value } = await within(select(recvs), 5000, "select");
      const index = recvs.indexOf(channel as Channel<Buffer[]>);
      expect(text(value as Buffer[])).toEqual([String(index)]);
      seen.push(index);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(chosen);
  });

  it("runs ROUTER/DEALER full duplex with 8 senders and 8 receivers per side, losing nothing", async () => {
    const router = await pump.socket("router", {
      bind: address(transport),
      options: { mandatory: true },
    });
    const dealer = await pump.socket("dealer", {
      connect: router.endpoints[0],
      options: { routingId: "D" },
    });
    await dealer.send.put("hello");
    expect(text(await takeWithin(router.recv))).toEqual(["D", "hello"]);

    const PER_TASK = 250;
    const TASKS = 8;
    const total = PER_TASK * TASKS;
    const senders = (send: (task: number, i: number) => Promise<unknown>): Promise<unknown>[] =>
      Array.from({ length: TASKS }, async (_, task) => {
        for (let i = 0; i < PER_TASK; i++) await send(task, i);
      });
    const receivers = (recv: Channel<Buffer[]>, into: Set<string>): Promise<unknown>[] => {
      const done = new AbortController(); // the last message releases the other receivers
      return Array.from({ length: TASKS }, async () => {
        while (into.size < total) {
          let message: Buffer[] | undefined;
          try {
            message = await recv.take({ signal: done.signal });
          } catch {
            return;
          }
          const body = message![message!.length - 1]!.toString();
          expect(into.has(body)).toBe(false);
          into.add(body);
          if (into.size === total) done.abort();
        }
      });
    };
    const atRouter = new Set<string>();
    const atDealer = new Set<string>();
    await within(
      Promise.all([
        ...senders((t, i) => dealer.send.put(`d${t}:${i}`)),
        ...senders((t, i) => router.send.put(["D", `r${t}:${i}`])),
        ...receivers(router.recv, atRouter),
        ...receivers(dealer.recv, atDealer),
      ]),
      20000,
      "full duplex",
    );
    const expected = (p: string): string[] =>
      Array.from({ length: total }, (_, k) => `${p}${Math.floor(k / PER_TASK)}:${k % PER_TASK}`);
    expect([...atRouter].sort()).toEqual(expected("d").sort());
    expect([...atDealer].sort()).toEqual(expected("r").sort());
    expect(pump.errors.poll()).toBeUndefined();
  });

  it("leaves messages in ZeroMQ, not in memory, while recv is full (back-pressure)", async () => {
    const recv = chan<Buffer[]>(1);
    const send = chan<Message>(1);
    const pull = await pump.socket("pull", {
      bind: address(transport),
      options: { receiveHighWaterMark: 10 },
      recv,
    });
    const push = await pump.socket("push", {
      connect: pull.endpoints[0],
      options: { sendHighWaterMark: 10 },
      send,
    });
    // 10,000 × 2 KiB = 20 MB: more than loopback's kernel socket buffers can hold.
    const N = 10000;
    const pad = "x".repeat(2048);
    let accepted = 0;
    const producer = (async () => {
      for (let i = 0; i < N; i++) {
        await push.send.put([String(i), pad]);
        accepted = i + 1;
      }
    })();
    // Nobody takes from recv. Wait until the producer stops making progress.
    let last = -1;
    while (accepted !== last) {
      last = accepted;
      await sleep(100);
    }
    // The pump read at most recv's buffer + the one it holds; the rest waits upstream, within
    // the high-water marks (and the kernel's socket buffers over ipc/tcp), so the producer is
    // held back long before it has put everything.
    expect(accepted).toBeLessThan(N);
    expect(recv.poll()).toBeDefined();
    // Now consume everything: nothing was lost or reordered.
    const got = await takeN(pull.recv, N - 1, 10000);
    await producer;
    expect(got.map((m) => Number(m[0]!.toString()))).toEqual(
      Array.from({ length: N - 1 }, (_, i) => i + 1),
    );
  });

  it("serves a quiet socket while another one floods (per-socket budget and yield)", async () => {
    const N = 20000;
    const flood = await pump.socket("pull", { bind: address(transport), recv: chan(N) });
    const quiet = await pump.socket("pull", { bind: address(transport) });
    const floodPeer = new zmq.Push({ sendHighWaterMark: N + 10, sendTimeout: 0, linger: 0 });
    const quietPeer = new zmq.Push({ sendTimeout: 0, linger: 0 });
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

  it("pump.close() flushes every socket's send before closing it", async () => {
    const receiver = new Pump();
    try {
      const pull = await receiver.socket("pull", { bind: address(transport) });
      const push = await pump.socket("push", { connect: pull.endpoints[0] });
      const dealerIn = await receiver.socket("dealer", { bind: address(transport) });
      const dealerOut = await pump.socket("dealer", { connect: dealerIn.endpoints[0] });
      for (let i = 0; i < 500; i++) {
        void push.send.put(`p${i}`);
        void dealerOut.send.put(`d${i}`);
      }
      await within(pump.close(), 5000, "pump.close()");
      expect(push.send.closed).toBe(true);
      expect((await takeN(pull.recv, 500)).map((m) => m[0]!.toString())).toEqual(
        Array.from({ length: 500 }, (_, i) => `p${i}`),
      );
      expect((await takeN(dealerIn.recv, 500)).map((m) => m[0]!.toString())).toEqual(
        Array.from({ length: 500 }, (_, i) => `d${i}`),
      );
      expect(await pump.errors.take()).toBeUndefined(); // closed, nothing failed
    } finally {
      await receiver.close();
    }
  });

  it("works as a queue device: pipe(frontend.recv, backend.send) and back", async () => {
    const frontend = await pump.socket("router", { bind: address(transport) });
    const backend = await pump.socket("dealer", { bind: address(transport) });
    pipe(frontend.recv, backend.send);
    pipe(backend.recv, frontend.send);
    const worker = await pump.socket("rep", { connect: backend.endpoints[0] });
    const clients = await Promise.all(
      [0, 1, 2].map(() => pump.socket("req", { connect: frontend.endpoints[0] })),
    );
    const serving = (async () => {
      for (let i = 0; i < 9; i++) {
        const [request] = await takeWithin(worker.recv);
        await worker.send.put(`re:${request!.toString()}`);
      }
    })();
    const replies = await Promise.all(
      clients.map(async (client, c) => {
        const mine: string[] = [];
        for (let i = 0; i < 3; i++) {
          await client.send.put(`c${c}-${i}`);
          mine.push(text(await takeWithin(client.recv))[0]!);
        }
        return mine;
      }),
    );
    await serving;
    expect(replies).toEqual([0, 1, 2].map((c) => [0, 1, 2].map((i) => `re:c${c}-${i}`)));
  });

  it("shares one recv between sockets (fan-in): it closes when the last of them has closed", async () => {
    const shared = chan<Buffer[]>(16);
    const a = await pump.socket("pull", { bind: address(transport), recv: shared });
    const b = await pump.socket("pull", { bind: address(transport), recv: shared });
    const toA = await pump.socket("push", { connect: a.endpoints[0] });
    const toB = await pump.socket("push", { connect: b.endpoints[0] });
    await toA.send.put("via a");
    await toB.send.put("via b");
    expect((await takeN(shared, 2)).map((m) => text(m)[0]).sort()).toEqual(["via a", "via b"]);
    a.send.close(); // closes socket a: b still puts on the shared recv
    await within(a.closed, 5000, "a closed");
    await sleep(20);
    expect(shared.closed).toBe(false);
    await toB.send.put("still via b");
    expect(text(await takeWithin(shared))).toEqual(["still via b"]);
    b.send.close();
    await within(b.closed, 5000, "b closed");
    expect(await within(shared.take(), 5000, "shared closed")).toBeUndefined();
  });

  it("shares one recv between sockets of two pumps: it closes when the last socket closes", async () => {
    const other = new Pump();
    try {
      const shared = chan<Buffer[]>(16);
      await other.socket("pull", { bind: address(transport), recv: shared });
      const b = await pump.socket("pull", { bind: address(transport), recv: shared });
      const toB = await pump.socket("push", { connect: b.endpoints[0] });
      await other.close(); // closes its socket; this pump's socket still puts on `shared`
      expect(shared.closed).toBe(false);
      await toB.send.put("to b");
      expect(text(await takeWithin(shared))).toEqual(["to b"]);
    } finally {
      await other.close();
    }
  });

  it("shares one send between sockets: each message goes out once, on one of them", async () => {
    const work = chan<Message>(16);
    const pulls = [
      await pump.socket("pull", { bind: address(transport) }),
      await pump.socket("pull", { bind: address(transport) }),
    ];
    const pushes = await Promise.all(
      pulls.map((p) => pump.socket("push", { connect: p.endpoints[0], send: work })),
    );
    for (let i = 0; i < 20; i++) await work.put(String(i));
    const got: string[] = [];
    while (got.length < 20) {
      const { value } = await within(select(pulls.map((p) => p.recv)), 5000, "a message");
      got.push(text(value as Buffer[])[0]!);
    }
    expect(got.map(Number).sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    work.close(); // closes both sockets
    await within(Promise.all(pushes.map((p) => p.closed)), 5000, "both closed");
  });
});
