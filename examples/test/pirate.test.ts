// pirate: everything in one process (the queue dies and comes back); each role on the guide's
// bytes against a zeromq.js socket playing the other side (READY b"\x01", HEARTBEAT b"\x02",
// echoes, a fresh REQ per try); each role against the guide's own programs in Python
// (peers/lpclient.py, lpserver.py, ppqueue.py, ppworker.py); then the command line.
import * as zmq from "zeromq";
import { main, type PirateOptions } from "../src/pirate";
import {
  example,
  exitOf,
  inProcess,
  LISTENING,
  python,
  pythonCase,
  stopAll,
  times,
  track,
  WAIT_MS,
} from "./programs";

const withPython = pythonCase();

afterEach(stopAll);

const BACKEND = /^backend listening on (tcp:\/\/127\.0\.0\.1:\d+)$/;
const READY = Buffer.from([1]);
const HEARTBEAT = Buffer.from([2]);
const ANY = "tcp://127.0.0.1:*";

const role = (opts: PirateOptions, what: string) => inProcess(main, opts, what);

/** A sluice queue on wildcard ports, and the endpoints it got. */
async function sluiceQueue(heartbeatMs?: number) {
  const queue = role({ queue: ANY, backend: ANY, heartbeatMs }, "pirate --queue");
  const [, frontend] = await queue.out.match(LISTENING);
  const [, backend] = await queue.out.match(BACKEND);
  return { queue, frontend: frontend!, backend: backend! };
}

/** The guide's ppqueue on wildcard ports, forwarding `replies` replies before it exits. */
async function guideQueue(replies: number) {
  const queue = python("ppqueue.py", [ANY, ANY, String(replies)]);
  const [, frontend] = await queue.out.match(LISTENING);
  const [, backend] = await queue.out.match(BACKEND);
  return { queue, frontend: frontend!, backend: backend! };
}

describe("pirate in one process", () => {
  it("serves requests before and after the queue dies, the worker having reconnected", async () => {
    const result = await main({ requests: 3, heartbeatMs: 40 });
    expect(result).toEqual({
      role: "all",
      replies: ["before 0", "before 1", "before 2", "after 0", "after 1", "after 2"],
      reconnects: expect.any(Number),
    });
    expect((result as { reconnects: number }).reconnects).toBeGreaterThanOrEqual(1);
  });
});

describe("pirate --client (lpclient)", () => {
  it("sends the sequence number, and takes only its echo as the reply", async () => {
    const rep = track(new zmq.Reply({ linger: 0, receiveTimeout: WAIT_MS }));
    await rep.bind(ANY);
    const client = role({ client: rep.lastEndpoint!, count: 3 }, "pirate --client");
    for (let i = 0; i < 3; i++) {
      const [request] = await rep.receive();
      expect(request).toEqual(Buffer.from(String(i)));
      await rep.send(request!);
    }
    expect(await client.result()).toEqual({
      role: "client",
      replies: ["0", "1", "2"],
      abandoned: false,
    });
  });

  it("resends on a fresh socket after each timeout, and abandons after --retries tries", async () => {
    const router = track(new zmq.Router({ linger: 0, receiveTimeout: WAIT_MS }));
    await router.bind(ANY);
    const opts = { client: router.lastEndpoint!, count: 2, timeoutMs: 100, retries: 3 };
    const client = role(opts, "pirate --client");
    // Three tries of request 0, each from a new REQ (a new routing id), none answered.
    const tries = [];
    for (let i = 0; i < 3; i++) tries.push(await router.receive());
    expect(tries.map(([, ...rest]) => rest)).toEqual(
      times(3, () => [Buffer.alloc(0), Buffer.from("0")]),
    );
    expect(new Set(tries.map(([id]) => id!.toString("hex"))).size).toBe(3);

    expect(await client.result()).toEqual({ role: "client", replies: [], abandoned: true });
    expect(await client.out.all()).toEqual([
      "I: Connecting to server...",
      "I: Sending (0)",
      ...times(2, () => [
        "W: No response from server",
        "I: Reconnecting to server...",
        "I: Resending (0)",
      ]).flat(),
      "W: No response from server",
      "E: Server seems to be offline, abandoning",
    ]);
  });

  withPython("asks the guide's lpserver.py and checks each echo", async () => {
    const server = python("lpserver.py", [ANY, "3"]);
    const [, endpoint] = await server.out.match(LISTENING);
    const client = role({ client: endpoint, count: 3 }, "pirate --client");
    expect(await client.result()).toEqual({
      role: "client",
      replies: ["0", "1", "2"],
      abandoned: false,
    });
    const run = await exitOf(server);
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split("\n")).toEqual(
      times(3, (i) => `INFO: Normal request (b'${i}')`),
    );
  });
});

describe("pirate --server (lpserver)", () => {
  withPython("answers the guide's lpclient.py with each request's echo", async () => {
    const server = role({ server: ANY, count: 3 }, "pirate --server");
    const [, endpoint] = await server.out.match(LISTENING);
    const client = python("lpclient.py", [endpoint!, "3"]);
    const run = await exitOf(client);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/WARNING|ERROR/);
    expect(run.stderr).toMatch(/Server replied OK \(b'2'\)/);
    expect(await server.result()).toEqual({ role: "server", requests: 3 });
  });
});

describe("pirate --queue and --worker (Paranoid Pirate)", () => {
  it("the worker says READY, echoes [client, '', request], heartbeats, and reconnects on a fresh socket", async () => {
    const router = track(new zmq.Router({ linger: 0, receiveTimeout: WAIT_MS }));
    await router.bind(ANY);
    const worker = role({ worker: router.lastEndpoint!, heartbeatMs: 50 }, "pirate --worker");
    const [first, ready] = await router.receive();
    expect(ready).toEqual(READY);
    await router.send([first!, "client", "", "7"]);
    let reply = await router.receive();
    while (reply.length === 2) reply = await router.receive(); // its heartbeats, meanwhile
    expect(reply.slice(1)).toEqual([Buffer.from("client"), Buffer.alloc(0), Buffer.from("7")]);
    expect((await router.receive())[1]).toEqual(HEARTBEAT);

    // The queue says nothing: after 3 heartbeats the worker starts over on a new socket.
    let again = await router.receive();
    while (again[0]!.equals(first!)) again = await router.receive();
    expect(again[1]).toEqual(READY);
    await worker.out.match(/^W: Heartbeat failure, can't reach queue; reconnecting in 50 ms$/);
    worker.stop();
    const result = await worker.result();
    expect(result).toEqual({ role: "worker", replies: 1, reconnects: expect.any(Number) });
    expect((result as { reconnects: number }).reconnects).toBeGreaterThanOrEqual(1);
  });

  it("the queue heartbeats an idle worker, and forgets it once it goes quiet", async () => {
    const { queue, backend } = await sluiceQueue(50);
    const dealer = track(new zmq.Dealer({ linger: 0, receiveTimeout: WAIT_MS }));
    dealer.routingId = "W1";
    dealer.connect(backend);
    await dealer.send(READY);
    expect(await dealer.receive()).toEqual([HEARTBEAT]);
    await queue.out.match(/^W: Idle worker expired: 5731$/); // "W1" in hex
    queue.stop();
    expect(await queue.result()).toEqual({ role: "queue", requests: 0, replies: 0 });
  });

  withPython("a sluice client through the guide's ppqueue.py to a sluice worker", async () => {
    const { queue, frontend, backend } = await guideQueue(3);
    const worker = role({ worker: backend }, "pirate --worker");
    await worker.out.match(/^I: ready/);
    const client = role({ client: frontend, count: 3 }, "pirate --client");
    expect(await client.result()).toEqual({
      role: "client",
      replies: ["0", "1", "2"],
      abandoned: false,
    });
    const run = await exitOf(queue);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/Invalid message/);
    worker.stop();
    expect(await worker.result()).toEqual({ role: "worker", replies: 3, reconnects: 0 });
    expect((await worker.out.all()).filter((l) => !l.startsWith("I: "))).toEqual([]);
  });

  withPython(
    "the guide's lpclient.py through a sluice queue to the guide's ppworker.py",
    async () => {
      const { queue, frontend, backend } = await sluiceQueue();
      const worker = python("ppworker.py", [backend, "3"]);
      const client = python("lpclient.py", [frontend, "3"]);
      const asked = await exitOf(client);
      expect(asked.code).toBe(0);
      expect(asked.stderr).not.toMatch(/WARNING|ERROR/);
      expect(asked.stderr).toMatch(/Server replied OK \(b'2'\)/);
      const worked = await exitOf(worker);
      expect(worked.code).toBe(0);
      expect(worked.stdout.split("\n").filter((l) => l === "I: Normal reply")).toHaveLength(3);
      expect(worked.stdout).not.toMatch(/Invalid message|Heartbeat failure/);
      queue.stop();
      expect(await queue.result()).toEqual({ role: "queue", requests: 3, replies: 3 });
    },
  );

  withPython("the guide's lpclient.py through a sluice queue to a sluice worker", async () => {
    const { queue, frontend, backend } = await sluiceQueue();
    const worker = role({ worker: backend }, "pirate --worker");
    const client = python("lpclient.py", [frontend, "3"]);
    const asked = await exitOf(client);
    expect(asked.code).toBe(0);
    expect(asked.stderr).not.toMatch(/WARNING|ERROR/);
    expect(asked.stderr.match(/Server replied OK/g)).toHaveLength(3);
    worker.stop();
    expect(await worker.result()).toEqual({ role: "worker", replies: 3, reconnects: 0 });
    queue.stop();
    expect(await queue.result()).toEqual({ role: "queue", requests: 3, replies: 3 });
  });
});

describe("pirate as programs (examples/dist/pirate.js)", () => {
  it("--server prints its endpoint, --client talks to it; both exit 0 after --count", async () => {
    const server = example("pirate", ["--server", ANY, "--count", "2"]);
    const [, endpoint] = await server.out.match(LISTENING);
    const client = example("pirate", ["--client", endpoint!, "--count", "2"]);
    expect(await exitOf(client)).toEqual({
      code: 0,
      signal: null,
      stdout: [
        "I: Connecting to server...",
        ...times(2, (i) => [`I: Sending (${i})`, `I: Server replied OK (${i})`]).flat(),
      ].join("\n"),
      stderr: "",
    });
    expect(await exitOf(server)).toMatchObject({ code: 0, stderr: "" });
  });

  it("--client exits 1 when the server seems offline", async () => {
    const args = ["--client", "tcp://127.0.0.1:1", "--count", "1", "--timeoutMs", "50"];
    const run = await exitOf(example("pirate", [...args, "--retries", "2"]));
    expect(run).toMatchObject({ code: 1, stderr: "" });
    expect(run.stdout).toMatch(/E: Server seems to be offline, abandoning$/);
  });

  it("--queue and --worker run until SIGINT, then close and exit 0", async () => {
    const queue = example("pirate", ["--queue", ANY, "--backend", ANY, "--heartbeatMs", "50"]);
    const [, backend] = await queue.out.match(BACKEND);
    const worker = example("pirate", ["--worker", backend!, "--heartbeatMs", "50"]);
    await worker.out.match(/^I: ready/);
    worker.child.kill("SIGINT");
    expect(await exitOf(worker)).toMatchObject({ code: 0, signal: null, stderr: "" });
    queue.child.kill("SIGINT");
    expect(await exitOf(queue)).toMatchObject({ code: 0, signal: null, stderr: "" });
  });

  it.each([
    [["--queue", ANY], /^pirate --queue needs --backend <endpoint> too/m],
    [["--backend", ANY], /^pirate: --backend is not used without a role flag/m],
    [["--worker", ANY], /^--worker needs the address to connect to/m],
    [["--worker", "tcp://127.0.0.1:5556", "--count", "3"], /--count is not used with --worker/],
    [["--client", "tcp://127.0.0.1:5555", "--server", ANY], /--client and --server/],
    [["--heartbeatMs", "0"], /^--heartbeatMs must be 1 or more, got 0$/m],
  ])("refuses %j with exit code 2 and a message naming the flag", async (args, message) => {
    const run = await exitOf(example("pirate", args));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(message);
  });
});
