// The pump as a whole (pump.ts): many sockets, full duplex, a queue device, a shared send,
// register, close, and the errors channel.
import * as path from "node:path";
import * as zmq from "zeromq";
import { chan, pipe, select, type Channel } from "@sluice/channels";
import { Pump, requester, serve, type Message, type Sockets } from "@sluice/zmq-channels";
import {
  address,
  collected,
  runWithPump,
  sleep,
  takeN,
  takeWithin,
  text,
  TRANSPORTS,
  within,
} from "./helpers";

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

  it("pump.close() flushes every socket's send before closing it", async () => {
    const receiver = new Pump();
    try {
      const pull = await receiver.socket("pull", { bind: address(transport) });
      const push = await pump.socket("push", { connect: pull.endpoints }); // readonly string[]
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

// Setups made together run in stretches of TURN_MS (setup-gate.ts): without the gate, 300
// socket() calls in one Promise.all created, bound and bridged every socket before the loop
// ran anything else (a timer came after the last of them).
describe("many sockets set up at once", () => {
  const N = 300;
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("lets the event loop run between stretches, and sets them up in call order", async () => {
    const order: string[] = [];
    const all = Promise.all(
      Array.from({ length: N }, (_, j) =>
        pump.socket("pull", { bind: address("inproc") }).then((s) => {
          order.push(`socket ${j}`);
          return s;
        }),
      ),
    );
    setTimeout(() => order.push("timer"), 0);
    const sockets = await within(all, 20_000, `${N} sockets`);
    const timerAt = order.indexOf("timer");
    expect(timerAt).toBeLessThan(N); // not after the last socket
    expect(order.filter((o) => o !== "timer")).toEqual(sockets.map((_, j) => `socket ${j}`));
    expect(pump.stats().sockets).toHaveLength(N);
  });

  it("a close() meanwhile ends every setup: each resolved socket is closed, the rest reject", async () => {
    const calls = Array.from({ length: N }, () =>
      pump.socket("pull", { bind: address("inproc") }).then(
        (s) => s,
        (e: Error) => e,
      ),
    );
    await sleep(1); // some are set up, others wait for their stretch
    await within(pump.close(), 10_000, "close()");
    const outcomes = await within(Promise.all(calls), 10_000, "every socket() call");
    const refused = outcomes.filter((o): o is Error => o instanceof Error);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect(e.message).toMatch(/socket\(\): .*closed/);
    const opened = outcomes.filter((o): o is Sockets => !(o instanceof Error));
    await within(Promise.all(opened.map((o) => o.closed)), 5000, "the sockets set up, closed");
  });
});

describe.each(TRANSPORTS)("a bridged socket over %s", (transport) => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("counts the errors that do not fit on pump.errors instead of waiting on them", async () => {
    const router = await pump.socket("router", {
      bind: address(transport),
      options: { mandatory: true },
    });
    for (let i = 0; i < 1100; i++) await router.send.put(["nobody", String(i)]);
    for (let i = 0; i < 200 && pump.droppedErrors < 76; i++) await sleep(10);
    expect(pump.droppedErrors).toBe(1100 - 1024);
    const kept = await takeN(pump.errors, 1024);
    expect(kept.map((e) => (e.unsent as string[])[1])).toEqual([...Array(1024).keys()].map(String));
  });
});

describe("a PUSH whose peers come and go", () => {
  // When the peer libzmq is writing a message to goes away between two frames, libzmq's load
  // balancer fails the next frame with EAGAIN and drops the rest of the message (lb.cpp). The
  // native engine took that for a bug and its lane stopped (an EBUG on errors within ~2,000
  // messages of 30 frames, 3 of 3 runs); the frames it had not sent would have been dropped
  // from the head of the next message.
  it("sends whole messages only, and reports nothing", async () => {
    const pump = new Pump();
    const errors: string[] = [];
    const reading = (async () => {
      for await (const e of pump.errors) errors.push(e.message);
    })();
    const PARTS = 30;
    const push = await pump.socket("push", {
      bind: "tcp://127.0.0.1:*",
      options: { sendHighWaterMark: 100_000, linger: 0 },
    });
    let stop = false;
    const sending = (async () => {
      for (let n = 0; !stop; n++) {
        const parts = [...Array(PARTS).keys()].map((p) => {
          const frame = Buffer.alloc(2048);
          frame.writeUInt32LE(n, 0);
          frame.writeUInt32LE(p, 4);
          return frame;
        });
        if (!(await push.send.put(parts))) return;
      }
    })();
    let received = 0;
    const cut: string[] = [];
    const until = Date.now() + 3000;
    while (Date.now() < until && errors.length === 0) {
      const pull = new zmq.Pull({ linger: 0 });
      pull.connect(push.endpoints[0]!);
      // (the first peer stays until a message came: the run must have moved some)
      const leave = received === 0 ? Date.now() + 2000 : Date.now() + 5 + Math.random() * 10;
      let next = pull.receive();
      while (Date.now() < leave) {
        const m = await Promise.race([next, sleep(2).then(() => undefined)]);
        if (m === undefined) continue;
        next = pull.receive();
        const n = m[0]!.readUInt32LE(0);
        const whole =
          m.length === PARTS &&
          m.every((f, p) => f.readUInt32LE(0) === n && f.readUInt32LE(4) === p);
        if (!whole) cut.push(`message ${n}: ${m.length} frames`);
        if (received++ === 0) break;
      }
      pull.close();
      next.catch(() => {}); // (a receive pending at the close rejects)
      await sleep(1);
    }
    stop = true;
    const seen = [...errors];
    await pump.close();
    expect(seen).toEqual([]);
    expect(cut).toEqual([]);
    expect(received).toBeGreaterThan(0);
    await within(sending, 5000, "the sender's last put");
    await reading;
  }, 20_000);
});
describe("a process that never closes its pump", () => {
  const DIST = path.join(__dirname, "..", "dist", "index.js");

  it("keeps no pump without sockets from the collector", async () => {
    const N = 20;
    const taken = await collected((watch) => {
      for (let i = 0; i < N; i++) watch(new Pump({ engine: "zeromq" }));
    });
    expect(taken).toBe(N);
  });
  // zeromq.js throws from native code for a send or receive on a closed socket, and such a
  // throw aborts a process run with --abort-on-uncaught-exception even inside a try: the
  // lanes called it after the close deadline (send) and after the socket closed (receive).
  it("closes sockets mid-traffic in a process that aborts on uncaught exceptions", () => {
    const r = runWithPump(
      `
      const p = new Pump();
      const push = await p.socket("push", { connect: "tcp://127.0.0.1:9", options: { linger: 100, sendHighWaterMark: 1 } });
      const puts = [];
      for (let i = 0; i < 50; i++) puts.push(push.send.put("m" + i));
      await new Promise((r) => setTimeout(r, 20));
      await p.close(); // the deadline closes the PUSH with puts left
      console.log("accepted " + (await Promise.all(puts)).filter(Boolean).length);
      for (let round = 0; round < 20; round++) {
        const a = new Pump(), b = new Pump();
        const router = await a.socket("router", { bind: "tcp://127.0.0.1:*" });
        const dealer = await b.socket("dealer", { connect: router.endpoints[0], options: { routingId: "d" } });
        await dealer.send.put("hello");
        await router.recv.take();
        let stop = false;
        const producing = (async () => { while (!stop) await router.send.put(["d", "x"]); })();
        const consuming = (async () => { for await (const m of dealer.recv); })();
        await new Promise((r) => setTimeout(r, round % 5));
        dealer.send.close(); // while messages keep arriving
        await consuming;
        stop = true;
        await a.close();
        await b.close();
        await producing;
      }
      console.log("rounds done on " + p.engine);`,
      { NODE_OPTIONS: "--abort-on-uncaught-exception" },
    );
    expect(r.out).toContain("accepted 50");
    expect(r.out).toMatch(/rounds done on (native|zeromq)/);
    expect([r.status, r.signal]).toEqual([0, null]);
  }, 30_000);

  // A user's callback that throws, from a process.nextTick scheduled where a take resumed, is
  // uncaught, as anywhere in Node. On the native engine the take resumes inside the addon's
  // callback, and Node-API kept such an error pending instead: it was thrown from the next
  // call into the addon (failing the PUSH's lane, "sluice bug"), and until then no socket was
  // called back (a receiver waited for ever).
  it("leaves a user's error thrown in a nextTick to 'uncaughtException', and goes on", () => {
    const r = runWithPump(`
      process.on("uncaughtException", (e) => console.log("uncaught " + e.message));
      const p = new Pump();
      const errors = [];
      void (async () => { for await (const e of p.errors) errors.push(e.message); })();
      const pull = await p.socket("pull", { bind: "tcp://127.0.0.1:*" });
      const push = await p.socket("push", { connect: pull.endpoints[0] });
      const within = (promise) => Promise.race([promise, new Promise((r) => setTimeout(() => r("nothing"), 2000))]);
      for (const word of ["one", "two", "three"]) {
        setTimeout(() => push.send.put(word), 50);
        console.log("got " + (await within(pull.recv.take())));
        if (word === "one") process.nextTick(() => { throw new Error("boom"); });
      }
      console.log("errors " + JSON.stringify(errors));
      await p.close();`);
    expect(r.out.split("\n").filter((line) => line !== "")).toEqual([
      "got one",
      "uncaught boom",
      "got two",
      "got three",
      "errors []",
    ]);
    expect([r.status, r.signal]).toEqual([0, null]);
  });

  it("still delivers what it put when it ends on its own, within the linger", () => {
    // A PUSH whose peer binds only after the sender's loop went empty: the message waits in
    // libzmq, and the sender ends on its own without pump.close(). Its child PULL must get it.
    const r = runWithPump(`
      const { spawn } = require("node:child_process");
      const net = require("node:net");
      const port = await new Promise((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
      });
      const p = new Pump();
      const push = await p.socket("push", { connect: "tcp://127.0.0.1:" + port, options: { linger: 10000, reconnectInterval: 50 } });
      await push.send.put("put, never closed");
      process.once("beforeExit", () => void push.send.put("put by a beforeExit listener"));
      const child = spawn(process.execPath, ["-e", \`
        const { Pump } = require(\${JSON.stringify(${JSON.stringify(DIST)})});
        (async () => {
          setTimeout(() => process.exit(4), 10000).unref(); // bounded, whatever happens
          await new Promise((r) => setTimeout(r, 300)); // after the sender's loop went empty
          const p = new Pump();
          const pull = await p.socket("pull", { bind: "tcp://127.0.0.1:\${port}" });
          console.log("child got " + String((await pull.recv.take())[0]));
          console.log("child got " + String((await pull.recv.take())[0]));
          await p.close();
        })();\`], { stdio: ["ignore", "inherit", "inherit"] });
      child.unref();
      process.on("exit", () => console.log("sender ends on " + p.engine));`);
    expect(r.out).toContain("child got put, never closed");
    expect(r.out).toContain("child got put by a beforeExit listener");
    expect(r.out).toMatch(/sender ends on (native|zeromq)/);
    expect([r.status, r.signal]).toEqual([0, null]);
  }, 30_000);
});

describe("bad input", () => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("refuses at the put a router message of one frame, which libzmq would drop unsaid", async () => {
    const router = await pump.socket("router", {
      bind: address("inproc"),
      options: { mandatory: true },
    });
    const shape = /send on a router socket: expected \[routing id, \.\.\.body\] .*got 1 frame$/;
    expect(() => router.send.put("d1")).toThrow(shape);
    expect(() => router.send.offer(["nobody"])).toThrow(shape);
    await expect(router.transmit(["nobody"])).rejects.toThrow(/transmit\(\) on a router socket/);
    const dealer = await pump.socket("dealer", {
      connect: router.endpoints[0],
      options: { routingId: "D" },
    });
    await dealer.send.put("hi");
    const [id] = await takeWithin(router.recv);
    await router.send.put([id!, "a", "b"]);
    expect(text(await takeWithin(dealer.recv))).toEqual(["a", "b"]);
    expect(pump.stats().sockets.find((s) => s.kind === "router")!.sent).toBe(1);
  });

  it("refuses an options key no call knows (a misspelt one would be ignored unsaid)", async () => {
    const unknown = (call: string, key: string) =>
      new RegExp(`^${call.replace(/[()]/g, "\\$&")}: unknown key "${key}" \\(expected `);
    expect(() => new Pump({ engin: "native" } as never)).toThrow(
      unknown("new Pump(opts)", "engin"),
    );
    const dealer = await pump.socket("dealer", { connect: address("inproc") });
    await expect(dealer.connect(address("inproc"), { routingID: "x" } as never)).rejects.toThrow(
      unknown("connect(endpoint, opts)", "routingID"),
    );
    await expect(dealer.transmit("x", { singal: null } as never)).rejects.toThrow(
      unknown("transmit(message, opts)", "singal"),
    );
    expect(() => pump.zap({ timout: 5 } as never)).toThrow(unknown("zap(opts)", "timout"));
    expect(() => requester(dealer, { timeuot: 5 } as never)).toThrow(
      unknown("requester()", "timeuot"),
    );
    const client = requester(dealer);
    expect(() => client.request("x", { retires: 1 } as never)).toThrow(
      unknown("request()", "retires"),
    );
    client.close();
    expect(() => serve(dealer, (r) => r, { concurency: 2 } as never)).toThrow(
      unknown("serve()", "concurency"),
    );
    const socket = new zmq.Pull();
    try {
      expect(() => pump.register(socket, { rcv: chan() } as never)).toThrow(
        unknown("register(socket, chans)", "rcv"),
      );
    } finally {
      socket.close();
    }
  });

  it("refuses to work once closed: register throws and socket rejects", async () => {
    await pump.close();
    await expect(pump.socket("pull", { bind: address("inproc") })).rejects.toThrow(/closed/);
    const socket = new zmq.Pull();
    try {
      expect(() => pump.register(socket)).toThrow(/closed/);
    } finally {
      socket.close();
    }
    expect(await pump.errors.take()).toBeUndefined();
  });

  it("adopts a configured socket with register(), once", async () => {
    const socket = new zmq.Pull();
    await socket.bind(address("tcp")); // register() keeps it on zeromq.js: inproc would not reach a native push
    const pull = pump.register(socket);
    expect(() => pump.register(socket)).toThrow(/already registered/);
    const push = await pump.socket("push", { connect: socket.lastEndpoint! });
    await push.send.put("adopted");
    expect(text(await takeWithin(pull.recv))).toEqual(["adopted"]);
    expect(() => pump.register({} as zmq.Socket)).toThrow(TypeError);
  });

  it("register() of a socket with a receive() of the user's pending: that one keeps its message, recv gets the rest", async () => {
    const socket = new zmq.Pull();
    await socket.bind(address("tcp"));
    const own = socket.receive();
    const pull = pump.register(socket);
    const push = await pump.socket("push", { connect: socket.lastEndpoint! });
    await push.send.put("m1");
    await push.send.put("m2");
    expect(String((await own)[0])).toBe("m1");
    expect(text(await takeWithin(pull.recv))).toEqual(["m2"]);
    expect(pump.errors.poll()).toBeUndefined();
  });
});
