// majordomo (7/MDP): all three roles in one process; then a broker with several workers (one
// slow, one killed mid-stream) and several clients, where every request is answered with its
// own echo exactly once or times out; then each role against the other two played by the
// guide's programs in Python (pyzmq, written to the spec in peers/md*.py); then the command line.
import { Pump } from "@sluice/zmq-channels";
import { inproc, ipc } from "../src/cli";
import { main, type MajordomoResult } from "../src/majordomo";
import { broker } from "../src/majordomo-broker";
import { client } from "../src/majordomo-client";
import { worker } from "../src/majordomo-worker";
import {
  example,
  exitOf,
  inProcess,
  LISTENING,
  python,
  pythonCase,
  stopAll,
  times,
  within,
} from "./programs";

const withPython = pythonCase();

afterEach(stopAll);

type ClientResult = Extract<MajordomoResult, { role: "client" }>;

describe("majordomo in one process", () => {
  it("a broker, two echo workers and a client: every request answered with its echo, in order", async () => {
    expect(await main({ requests: 20 })).toEqual({
      role: "all",
      replies: times(20, (i) => `Hello world ${i}`),
    });
  });
});

describe("majordomo's APIs", () => {
  it("routes by service, keeps multipart bodies, and answers the guide's mmi.service", async () => {
    const pump = new Pump();
    const endpoint = inproc("majordomo-api");
    const stop = new AbortController();
    let bound!: () => void;
    const listening = new Promise<void>((resolve) => (bound = resolve));
    const brokering = broker(pump, endpoint, {
      heartbeatMs: 100,
      signal: stop.signal,
      listening: bound,
    });
    await listening;
    let ready!: () => void;
    const up = new Promise<void>((resolve) => (ready = resolve));
    const upper = worker(
      pump,
      endpoint,
      "upper",
      (frames) => frames.map((f) => f.toString().toUpperCase()),
      { heartbeatMs: 100, signal: stop.signal, ready },
    );
    await up;
    const mdcli = client(pump, endpoint, { timeoutMs: 1000, retries: 0 });
    expect((await mdcli.request("upper", ["a", "b", ""])).map(String)).toEqual(["A", "B", ""]);
    expect((await mdcli.request("mmi.service", "upper")).map(String)).toEqual(["200"]);
    expect((await mdcli.request("mmi.service", "lower")).map(String)).toEqual(["404"]);
    expect((await mdcli.request("mmi.other", "x")).map(String)).toEqual(["501"]);
    stop.abort();
    expect(await upper).toEqual({ handled: 1, reconnects: 0 });
    expect(await brokering).toEqual({ requests: 4, replies: 4 });
    await mdcli.close();
    await pump.close();
  });
});

describe("majordomo's worker", () => {
  it("reconnects when the broker goes silent, and serves the broker that comes back", async () => {
    const pump = new Pump();
    const endpoint = ipc("majordomo-reconnect");
    const startBroker = async () => {
      const stop = new AbortController();
      let bound!: () => void;
      const listening = new Promise<void>((resolve) => (bound = resolve));
      const done = broker(pump, endpoint, {
        heartbeatMs: 50,
        signal: stop.signal,
        listening: bound,
      });
      await listening;
      return async () => {
        stop.abort();
        return done;
      };
    };
    let stopBroker = await startBroker();
    const stopWorker = new AbortController();
    const echo = worker(pump, endpoint, "echo", (f) => f, {
      heartbeatMs: 50,
      reconnectMs: 50,
      signal: stopWorker.signal,
    });
    const mdcli = client(pump, endpoint, { timeoutMs: 1000, retries: 3 });
    expect((await mdcli.request("echo", "before")).map(String)).toEqual(["before"]);
    await stopBroker(); // silent now: the worker misses 3 heartbeats, then starts over
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopBroker = await startBroker();
    expect((await mdcli.request("echo", "after")).map(String)).toEqual(["after"]);
    stopWorker.abort();
    const { handled, reconnects } = await echo;
    expect(handled).toBe(2);
    expect(reconnects).toBeGreaterThanOrEqual(1);
    await stopBroker();
    await mdcli.close();
    await pump.close();
  });
});

describe("majordomo with several workers and clients", () => {
  it("answers every request once with its own echo, or times it out, while a worker dies", async () => {
    const broker = example("majordomo", ["--broker", "tcp://127.0.0.1:*", "--heartbeatMs", "100"]);
    const [, endpoint] = await broker.out.match(LISTENING);
    const worker = (...extra: string[]) =>
      example("majordomo", [
        "--worker",
        endpoint!,
        "--service",
        "echo",
        "--heartbeatMs",
        "100",
        ...extra,
      ]);
    const workers = [
      worker(),
      worker("--sleepMs", "20"), // slow
      // Holds the request it gets for 5 s: killed while it does, so that request is lost.
      worker("--sleepMs", "5000"),
    ];
    // Another service's worker, which must never see an echo request.
    workers.push(example("majordomo", ["--worker", endpoint!, "--service", "other"]));
    for (const w of workers) await w.out.match(/^worker for "(echo|other)" ready$/);
    const [, , doomed, other] = workers;

    const clients = times(3, (c) =>
      inProcess(
        main,
        { client: endpoint!, service: "echo", requests: 40, timeoutMs: 400, retries: 3 },
        `majordomo --client ${c}`,
      ),
    );
    // Mid-stream: the doomed worker holds a request when it dies.
    await new Promise((resolve) => setTimeout(resolve, 200));
    doomed!.child.kill("SIGKILL");
    await doomed!.exited;

    const results = (await within(
      Promise.all(clients.map((c) => c.result())),
      "three clients of 40 requests",
      40_000,
    )) as ClientResult[];
    const asked = new Set(results.flatMap((r) => r.requests));
    expect(asked.size).toBe(120); // every request of every client is unlike any other
    let answered = 0;
    for (const { requests, replies } of results) {
      expect(replies).toHaveLength(requests.length);
      replies.forEach((reply, i) => {
        // Its own echo, or nothing (timed out after every retry): never another's reply.
        if (reply !== null) expect(reply).toBe(requests[i]);
      });
      answered += replies.filter((r) => r !== null).length;
    }
    // With retries on fresh sockets, the dead worker's requests are answered by the others.
    expect(answered).toBe(120);
    for (const c of clients) await c.out.match(/^40 requests\/replies processed$/);

    other!.child.kill("SIGTERM");
    expect((await exitOf(other!)).code).toBe(0);
    broker.child.kill("SIGTERM");
    expect((await exitOf(broker)).code).toBe(0);
    // The lost request was sent again (a fresh try), and each answer was passed on once.
    const [, tries, replies] = (await broker.out.match(
      /^brokered (\d+) requests, (\d+) replies$/,
    ))!;
    expect(Number(tries)).toBeGreaterThan(120);
    expect(Number(replies)).toBeGreaterThanOrEqual(120);
  }, 60_000);
});

describe("majordomo against the guide's programs in Python", () => {
  withPython("--broker serves mdworker.py and mdclient.py", async () => {
    const broker = example("majordomo", ["--broker", "tcp://127.0.0.1:*", "--heartbeatMs", "200"]);
    const [, endpoint] = await broker.out.match(LISTENING);
    const mdworker = python("mdworker.py", [endpoint!, "echo", "200"]);
    await mdworker.out.match(/^ready$/);
    const mdclient = python("mdclient.py", [endpoint!, "echo", "50", "1000", "3"]);
    const done = await exitOf(mdclient);
    expect(done.stdout).toBe("50 requests/replies processed");
    expect(done.code).toBe(0);
    broker.child.kill("SIGINT");
    expect(await exitOf(broker)).toMatchObject({ code: 0, stderr: "" });
  });

  withPython("--worker answers mdclient.py through mdbroker.py", async () => {
    const mdbroker = python("mdbroker.py", ["tcp://127.0.0.1:*", "200"]);
    const [, endpoint] = await mdbroker.out.match(LISTENING);
    const worker = example("majordomo", [
      "--worker",
      endpoint!,
      "--service",
      "echo",
      "--heartbeatMs",
      "200",
    ]);
    const mdclient = python("mdclient.py", [endpoint!, "echo", "50", "1000", "3"]);
    const done = await exitOf(mdclient);
    expect(done.stdout).toBe("50 requests/replies processed");
    expect(done.code).toBe(0);
    worker.child.kill("SIGTERM");
    expect(await exitOf(worker)).toMatchObject({ code: 0, stderr: "" });
  });

  withPython("--client is answered by mdworker.py through mdbroker.py", async () => {
    const mdbroker = python("mdbroker.py", ["tcp://127.0.0.1:*", "200"]);
    const [, endpoint] = await mdbroker.out.match(LISTENING);
    const mdworker = python("mdworker.py", [endpoint!, "echo", "200"]);
    await mdworker.out.match(/^ready$/);
    const client = example("majordomo", [
      "--client",
      endpoint!,
      "--service",
      "echo",
      "--requests",
      "50",
    ]);
    expect(await exitOf(client)).toEqual({
      code: 0,
      signal: null,
      stdout: "50 requests/replies processed",
      stderr: "",
    });
  });
});

describe("majordomo as a program", () => {
  it("--client exits 1 when a request goes unanswered, saying how many were", async () => {
    const broker = example("majordomo", ["--broker", "tcp://127.0.0.1:*"]);
    const [, endpoint] = await broker.out.match(LISTENING);
    const client = example("majordomo", [
      "--client",
      endpoint!,
      "--service",
      "nobody",
      "--requests",
      "1",
      "--timeoutMs",
      "100",
      "--retries",
      "1",
    ]);
    const done = await exitOf(client);
    expect(done.code).toBe(1);
    expect(done.stdout.split("\n")).toEqual([
      'E: majordomo: no reply from "nobody" within 100 ms (2 tries)',
      "0 requests/replies processed",
    ]);
  });

  it.each([
    [["--bogus"], /Unknown option '--bogus'/],
    [["--worker", "tcp://127.0.0.1:5555"], /--worker needs --service <name>/],
    [["--client", "tcp://127.0.0.1:*", "--service", "echo"], /\* is for binding/],
    [["--broker", "tcp://127.0.0.1:*", "--requests", "3"], /--requests is not used with --broker/],
    [
      ["--client", "tcp://127.0.0.1:5555", "--service", "x", "--requests", "ten"],
      /--requests must be a whole number/,
    ],
  ])("%j exits 2, naming what is wrong", async (args, message) => {
    const done = await exitOf(example("majordomo", args));
    expect(done.code).toBe(2);
    expect(done.stderr).toMatch(message);
  });

  it("--help prints the roles and exits 0", async () => {
    const done = await exitOf(example("majordomo", ["--help"]));
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("--broker <endpoint>");
    expect(done.stdout).toContain("--client <endpoint> --service <name>");
  });
});
