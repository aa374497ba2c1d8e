// hello, both ends in one process; then each role against the guide's other side, written as
// the guide writes it: hwclient.py/hwserver.py (pyzmq) and plain zeromq.js sockets. The bytes
// on the wire are the guide's both ways: the server gets "Hello", the client gets "World".
import * as zmq from "zeromq";
import { main } from "../src/hello";
import {
  WAIT_MS,
  example,
  exitOf,
  inProcess,
  python,
  LISTENING,
  pythonCase,
  times,
  stopAll,
  track,
} from "./programs";

const withPython = pythonCase();

afterEach(stopAll);

describe("hello (REQ/REP)", () => {
  it("answers every request in order, with the easy interface and with register()", async () => {
    const expected = [0, 1, 2, 3].map((i) => `World (re: Hello ${i})`);
    expect(await main({ count: 4 })).toEqual({
      role: "both",
      easy: expected,
      registered: expected,
    });
  });
});

describe("hello --serve (hwserver)", () => {
  const serve = (count?: number) =>
    inProcess(main, { serve: "tcp://127.0.0.1:*", count }, "hello --serve");

  withPython("answers hwclient.py's Hello with World, then prints its lines", async () => {
    const server = serve(3);
    const [, endpoint] = await server.out.match(LISTENING);
    const client = python("hwclient.py", [endpoint!, "3"]);

    expect((await exitOf(client)).code).toBe(0);
    expect(client.out.seen.filter((l) => l.startsWith("Received"))).toEqual(
      times(3, (i) => `Received reply ${i} [ b'World' ]`),
    );
    expect(await server.result()).toEqual({ role: "server", requests: times(3, () => "Hello") });
    expect(await server.out.all()).toEqual([
      `listening on ${endpoint}`,
      ...times(3, () => "Received Hello"),
    ]);
  });

  it("answers a zeromq.js REQ's Hello with World", async () => {
    const server = serve(3);
    const [, endpoint] = await server.out.match(LISTENING);
    const req = track(new zmq.Request({ linger: 0, receiveTimeout: WAIT_MS }));
    req.connect(endpoint!);
    const replies: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      await req.send("Hello");
      replies.push(...(await req.receive()));
    }
    expect(replies).toEqual(times(3, () => Buffer.from("World")));
    expect(await server.result()).toEqual({ role: "server", requests: times(3, () => "Hello") });
  });

  it("without --count serves until its signal, then closes and resolves", async () => {
    const server = serve();
    const [, endpoint] = await server.out.match(LISTENING);
    const req = track(new zmq.Request({ linger: 0, receiveTimeout: WAIT_MS }));
    req.connect(endpoint!);
    for (let i = 0; i < 2; i++) {
      await req.send("Hello");
      await req.receive();
    }
    server.stop();
    expect(await server.result()).toEqual({ role: "server", requests: ["Hello", "Hello"] });
  });
});

describe("hello --connect (hwclient)", () => {
  const connect = (endpoint: string, count?: number) =>
    inProcess(main, { connect: endpoint, count }, "hello --connect");

  withPython("sends hwserver.py Hello and prints each World as hwclient does", async () => {
    const server = python("hwserver.py", ["tcp://127.0.0.1:*", "3"]);
    const [, endpoint] = await server.out.match(LISTENING);
    const client = connect(endpoint!, 3);

    expect(await client.result()).toEqual({ role: "client", replies: times(3, () => "World") });
    expect(await client.out.all()).toEqual([
      "Connecting to hello world server...",
      ...times(3, (i) => [`Sending Hello ${i}...`, `Received World ${i}`]).flat(),
    ]);
    expect((await exitOf(server)).code).toBe(0);
    expect(server.out.seen.slice(1)).toEqual(times(3, () => "Received request: b'Hello'"));
  });

  it("sends a zeromq.js REP Hello, and takes its World", async () => {
    const rep = track(new zmq.Reply({ linger: 0, receiveTimeout: WAIT_MS }));
    await rep.bind("tcp://127.0.0.1:*");
    const client = connect(rep.lastEndpoint!, 3);
    const requests: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      requests.push(...(await rep.receive()));
      await rep.send("World");
    }
    expect(requests).toEqual(times(3, () => Buffer.from("Hello")));
    expect(await client.result()).toEqual({ role: "client", replies: times(3, () => "World") });
  });

  it("without --count requests until its signal, even while a reply is outstanding", async () => {
    const rep = track(new zmq.Reply({ linger: 0, receiveTimeout: WAIT_MS }));
    await rep.bind("tcp://127.0.0.1:*");
    const client = connect(rep.lastEndpoint!);
    for (let i = 0; i < 2; i++) {
      await rep.receive();
      await rep.send("World");
    }
    await rep.receive(); // the third Hello: left unanswered
    await client.out.match(/^Received World 1$/);
    client.stop();
    expect(await client.result()).toEqual({ role: "client", replies: ["World", "World"] });
  });
});

describe("hello as programs (examples/dist/hello.js)", () => {
  it("--serve prints its endpoint, --connect talks to it; both exit 0 after --count", async () => {
    const server = example("hello", ["--serve", "tcp://127.0.0.1:*", "--count", "2"]);
    const [, endpoint] = await server.out.match(LISTENING);
    const client = example("hello", ["--connect", endpoint!, "--count", "2"]);

    expect(await exitOf(client)).toEqual({
      code: 0,
      signal: null,
      stdout: [
        "Connecting to hello world server...",
        "Sending Hello 0...",
        "Received World 0",
        "Sending Hello 1...",
        "Received World 1",
      ].join("\n"),
      stderr: "",
    });
    expect(await exitOf(server)).toEqual({
      code: 0,
      signal: null,
      stdout: [`listening on ${endpoint}`, "Received Hello", "Received Hello"].join("\n"),
      stderr: "",
    });
  });

  it.each(["SIGINT", "SIGTERM"] as const)(
    "--serve without --count closes cleanly on %s and exits 0",
    async (signal) => {
      const server = example("hello", ["--serve", "tcp://127.0.0.1:*"]);
      await server.out.match(LISTENING);
      server.child.kill(signal);
      expect(await exitOf(server)).toMatchObject({ code: 0, signal: null, stderr: "" });
    },
  );

  it.each([
    [["--serve", "5555"], /^--serve needs an endpoint .*, got 5555$/m],
    [["--serve"], /^--serve needs an endpoint .*, got nothing$/m],
    [["--connect", "tcp://127.0.0.1:*"], /^--connect needs the address to connect to/m],
    [["--serve", "tcp://127.0.0.1:*", "--count", "-1"], /^--count must be a whole number/m],
    [
      ["--serve", "tcp://127.0.0.1:*", "--connect", "tcp://127.0.0.1:5555"],
      /--serve and --connect/,
    ],
    [
      ["--connect", "tcp://127.0.0.1:5555", "--sleepMs", "9"],
      /--sleepMs is not used with --connect/,
    ],
    [["--server", "tcp://127.0.0.1:*"], /^unknown flag "--server"/m],
  ])("refuses %j with exit code 2 and a message naming the flag", async (args, message) => {
    const run = await exitOf(example("hello", args));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(message);
  });
});
