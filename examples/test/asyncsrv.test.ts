// asyncsrv: everything in one process; then each role against the guide's other side,
// asyncsrv.py split into its server and client tasks (peers/asyncsrv.py); then the command line.
// The bytes are the guide's both ways: a client sends "request #N", a worker echoes it. The
// sluice worker echoes "request #N" N % 5 times, so counts against it are exact; the guide's
// echoes a random 0–4 times and says how many, so counts against it are compared with that.
// Every reply a client counts must be an echo of a request it sent.
import { main, type AsyncsrvResult } from "../src/asyncsrv";
import {
  example,
  exitOf,
  inProcess,
  LISTENING,
  python,
  pythonCase,
  stopAll,
  times,
} from "./programs";

const withPython = pythonCase();

afterEach(stopAll);

type ClientResult = Extract<AsyncsrvResult, { role: "client" }>;

/** `request #1` … `request #n`, each with N % 5: what the sluice worker sends back. */
const echoedByWorker = (n: number) => new Map(times(n, (i) => [`request #${i + 1}`, (i + 1) % 5]));

describe("asyncsrv in one process (DEALER clients, ROUTER/DEALER server, full duplex)", () => {
  it("echoes each request #N N % 5 times, back to the socket that sent it, nothing stray", async () => {
    const result = await main({ clients: 3, tasks: 4, requests: 5, workers: 3 });
    if (result.role !== "all") throw new Error(`expected role "all", got ${result.role}`);
    expect(result.clients).toHaveLength(3);
    for (const report of result.clients) {
      expect(report.identity).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
      expect(report.strays).toEqual([]);
      // Four tasks shared the socket's numbering: 20 requests, each counted apart.
      expect(report.echoes).toEqual(echoedByWorker(20));
    }
    expect(result.server).toEqual({ requests: 60, replies: 3 * 40 });
  });
});

describe("asyncsrv --server (the guide's server task)", () => {
  withPython(
    "echoes asyncsrv.py's clients: request #N N % 5 times, only to its sender",
    async () => {
      const server = inProcess(main, { server: "tcp://127.0.0.1:*" }, "asyncsrv --server");
      const [, endpoint] = await server.out.match(LISTENING);
      // The guide starts three clients; poll 300 ms instead of its 1000, to keep the test short.
      const clients = times(3, (i) =>
        python("asyncsrv.py", ["client", endpoint!, "4", `worker-${i}`, "300"]),
      );

      for (const [i, client] of clients.entries()) {
        expect((await exitOf(client)).code).toBe(0);
        const received = client.out.seen.filter((l) => l.includes(" received: "));
        const counts = new Map<string, number>();
        for (const line of received) {
          const [, request] = line.match(/^Client worker-\d received: b'(.*)'$/)!;
          counts.set(request!, (counts.get(request!) ?? 0) + 1);
        }
        expect(received.every((l) => l.startsWith(`Client worker-${i} received`))).toBe(true);
        expect(counts).toEqual(new Map([...echoedByWorker(4)].filter(([, n]) => n > 0)));
        expect(client.out.seen.at(-1)).toBe("4 requests, 10 replies, 0 strays");
      }

      server.stop();
      expect(await server.result()).toEqual({ role: "server", requests: 12, replies: 30 });
      const heard = (await server.out.all()).filter((l) => l.startsWith("Worker received"));
      expect(heard.sort()).toEqual(
        times(3, (i) => times(4, (n) => `Worker received request #${n + 1} from worker-${i}`))
          .flat()
          .sort(),
      );
    },
  );
});

describe("asyncsrv --client (the guide's client task)", () => {
  withPython("counts asyncsrv.py's random echoes, each an echo of a request it sent", async () => {
    const server = python("asyncsrv.py", ["server", "tcp://127.0.0.1:*", "60"]);
    const [, endpoint] = await server.out.match(LISTENING);
    const client = inProcess(
      main,
      { client: endpoint, requests: 5, identity: "ABCD-1234", intervalMs: 100, quietMs: 2500 },
      "asyncsrv --client",
    );

    const result = (await client.result()) as ClientResult;
    expect(result.strays).toEqual([]);
    expect([...result.echoes.keys()]).toEqual(times(5, (n) => `request #${n + 1}`));
    // The guide's worker says how many times it echoes each request: all of them came back
    // (its sleeps are at most 1 s apart, well within the client's quiet period).
    const told = new Map<string, number>();
    for (let n = 1; n <= 5; n++) {
      const [, replies] = await server.out.match(
        new RegExp(`^Worker received b'request #${n}' from b'ABCD-1234', replying (\\d) times$`),
      );
      told.set(`request #${n}`, Number(replies));
    }
    expect(result.echoes).toEqual(told);
    const received = (await client.out.all()).filter((l) => l.includes(" received: "));
    expect(received).toHaveLength([...told.values()].reduce((a, b) => a + b, 0));
    expect(received.every((l) => /^Client ABCD-1234 received: request #[1-5]$/.test(l))).toBe(true);
  });

  it("without --requests sends until its signal, then closes and resolves", async () => {
    const server = inProcess(main, { server: "tcp://127.0.0.1:*" }, "asyncsrv --server");
    const [, endpoint] = await server.out.match(LISTENING);
    const client = inProcess(main, { client: endpoint, intervalMs: 20 }, "asyncsrv --client");
    await client.out.match(/ received: request #4$/);
    client.stop();

    const result = (await client.result()) as ClientResult;
    expect(result.strays).toEqual([]);
    expect(result.echoes.size).toBeGreaterThanOrEqual(4);
    expect(result.echoes.get("request #4")).toBeGreaterThanOrEqual(1);
    // Stopped mid-run, a request may still miss some of its echoes, never get more.
    for (const [request, n] of result.echoes) {
      expect(n).toBeLessThanOrEqual(Number(request.slice("request #".length)) % 5);
    }
  });
});

describe("asyncsrv as programs (examples/dist/asyncsrv.js)", () => {
  it("--client counts the echoes of --server and exits 0; --server exits 0 on SIGTERM", async () => {
    const server = example("asyncsrv", ["--server", "tcp://127.0.0.1:*", "--workers", "2"]);
    const [, endpoint] = await server.out.match(LISTENING);
    const client = example("asyncsrv", [
      ...["--client", endpoint!, "--requests", "4", "--identity", "0001-0002"],
      ...["--intervalMs", "0", "--quietMs", "500"],
    ]);

    const run = await exitOf(client);
    expect(run).toMatchObject({ code: 0, signal: null, stderr: "" });
    const lines = run.stdout.split("\n");
    expect(lines.slice(-4)).toEqual([
      "request #1: 1 reply",
      "request #2: 2 replies",
      "request #3: 3 replies",
      "request #4: 4 replies",
    ]);
    expect(lines.filter((l) => l.startsWith("Req #"))).toEqual(
      times(4, (n) => `Req #${n + 1} sent..`),
    );

    server.child.kill("SIGTERM");
    const stopped = await exitOf(server);
    expect(stopped).toMatchObject({ code: 0, signal: null, stderr: "" });
    const [listening, ...heard] = stopped.stdout.split("\n");
    expect(listening).toBe(`listening on ${endpoint}`);
    // Two workers: each prints as it takes a request, so their lines may interleave either way.
    expect(heard.sort()).toEqual(
      times(4, (n) => `Worker received request #${n + 1} from 0001-0002`),
    );
  });

  it.each([
    [
      ["--server", "tcp://127.0.0.1:*", "--client", "tcp://127.0.0.1:5570"],
      /--server and --client/,
    ],
    [["--client", "tcp://127.0.0.1:*"], /^--client needs the address to connect to/m],
    [["--server", "tcp://127.0.0.1:*", "--identity", "A"], /--identity is not used with --server/],
    [["--client", "tcp://127.0.0.1:5570", "--tasks", "2"], /--tasks is not used with --client/],
    [["--client", "tcp://127.0.0.1:5570", "--identity"], /^--identity needs a name/m],
  ])("refuses %j with exit code 2 and a message naming the flag", async (args, message) => {
    const run = await exitOf(example("asyncsrv", args));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(message);
  });
});
