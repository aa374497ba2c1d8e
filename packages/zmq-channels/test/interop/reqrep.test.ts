// requester() against REP servers in other processes, written in Python (pyzmq) the way the
// guide's Lazy Pirate server is: no sluice on their side, and the id envelope goes through
// their REP unchanged. Over tcp and ipc, 10,000 requests from 50 concurrent tasks share one
// DEALER while the servers are slow, drop a request now and then, or are killed and replaced:
// every request ends with its own reply, a TimeoutError or its abort reason, and the counts add
// up. The id envelope also passes through pyzmq's shared queue (a ROUTER–DEALER proxy)
// unchanged. Those cases are skipped (with a line saying so) where /usr/bin/python3 cannot
// import zmq. Last, serve() answers REQ and DEALER clients in plain zeromq.js and, when it is
// there, pyzmq (the peers of interop.test.ts).
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import { Pump, requester, serve, TimeoutError } from "@sluice/zmq-channels";
import { address, within } from "../helpers";
import { availablePeers, Peer, pythonZmqAvailable } from "./peer";

const PYTHON = "/usr/bin/python3";
const PEERS = path.join(__dirname, "peers");

const withPython = pythonZmqAvailable() ? it : it.skip;
if (!pythonZmqAvailable()) {
  console.log(
    `${PYTHON} cannot import zmq (install python3-zmq): the requester interop cases are skipped`,
  );
}

const TASKS = 50;
const PER_TASK = 200;
const TOTAL = TASKS * PER_TASK;

interface Server {
  child: ChildProcess;
  exited: Promise<void>;
  /** The lines it printed on stdout, first to last. */
  lines: string[];
}

const servers = new Set<Server>();

/** Starts peers/<script> and waits until it has printed `wait` lines. */
async function startPython(script: string, args: string[], wait = 1): Promise<Server> {
  // stdin stays open (a pipe) until the process is killed: queue.py runs until it closes.
  const child = spawn(PYTHON, ["-u", path.join(PEERS, script), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const server: Server = { child, exited, lines: [] };
  servers.add(server);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve, reject) => {
    lines.on("line", (line) => {
      server.lines.push(line);
      if (server.lines.length === wait) resolve();
    });
    void exited.then(() => reject(new Error(`${script} exited: ${stderr}`)));
  });
  await within(ready, 10_000, `${script} to start`);
  return server;
}

/** rep_server.py: a REP connected to `endpoint`, answering [body] with ["re:" + body]. */
const startServer = (endpoint: string, mode: string, seed: number) =>
  startPython("rep_server.py", [endpoint, mode, String(seed)]);

async function kill(server: Server): Promise<void> {
  server.child.kill("SIGKILL");
  await server.exited;
  servers.delete(server);
}

let pump: Pump;
beforeEach(() => (pump = new Pump()));
afterEach(async () => {
  await Promise.all([...servers].map(kill));
  await pump.close();
});

describe.each(["tcp", "ipc"] as const)(
  "requester() over %s against pyzmq REP servers",
  (transport) => {
    withPython(
      "answers 10,000 requests from 50 tasks over one DEALER, each with its own reply or a clear rejection",
      async () => {
        const dealer = await pump.socket("dealer", { bind: address(transport) });
        const endpoint = dealer.endpoints[0]!;
        const doomed = await startServer(endpoint, "plain", 1);
        await startServer(endpoint, "slow", 2);
        await startServer(endpoint, "drop", 3);
        await startServer(endpoint, "plain", 4);
        const client = requester(dealer, { timeout: 300, retries: 4 });

        const counts = { replies: 0, timeouts: 0, aborted: 0 };
        let done = 0;
        let restarted: Promise<unknown> | undefined;
        const task = async (t: number) => {
          for (let r = 0; r < PER_TASK; r++) {
            const body = `${t}.${r}`;
            // One request in 40 is aborted on a short timer: before, during or after its reply.
            const controller = new AbortController();
            const reason = new Error(`abort ${body}`);
            let timer: NodeJS.Timeout | undefined;
            if ((t * PER_TASK + r) % 40 === 0) {
              timer = setTimeout(() => controller.abort(reason), r % 3);
            }
            try {
              // One in ten has no retry, so a lost request ends in a TimeoutError.
              const retries = r % 10 === 5 ? 0 : undefined;
              const reply = await client.request(body, { signal: controller.signal, retries });
              expect(reply.map(String)).toEqual([`re:${body}`]);
              counts.replies++;
            } catch (e) {
              if (e === reason) counts.aborted++;
              else if (e instanceof TimeoutError) counts.timeouts++;
              else throw e;
            } finally {
              clearTimeout(timer);
            }
            // A third of the way through, one server dies (what was queued to it is lost) and a
            // new one takes its place.
            if (++done === Math.floor(TOTAL / 3)) {
              restarted = kill(doomed).then(() => startServer(endpoint, "plain", 5));
            }
          }
        };
        await within(
          Promise.all(Array.from({ length: TASKS }, (_, t) => task(t))),
          60_000,
          "10,000 requests",
        );
        await restarted;

        expect(counts.replies + counts.timeouts + counts.aborted).toBe(TOTAL);
        // Retries get nearly everything through; the aborts are at most the ones asked for.
        expect(counts.replies).toBeGreaterThan(TOTAL * 0.95);
        expect(counts.aborted).toBeLessThanOrEqual(TOTAL / 40);
        console.log(
          `requester over ${transport} against pyzmq REP servers: ${JSON.stringify(counts)}`,
        );
      },
      90_000,
    );
  },
);

describe.each(["tcp", "ipc"] as const)(
  "requester() over %s through pyzmq's shared queue (ROUTER–DEALER proxy)",
  (transport) => {
    withPython(
      "passes the id envelope through the broker: 400 requests from 20 tasks, each its own reply",
      async () => {
        const queue = await startPython("queue.py", [address(transport), address(transport)], 2);
        const [frontend, backend] = queue.lines.map((l) => l.split(" ")[1]!);
        await startServer(backend!, "plain", 1);
        await startServer(backend!, "slow", 2);
        const dealer = await pump.socket("dealer", { connect: frontend });
        const client = requester(dealer, { timeout: 2000, retries: 2 });
        const tasks = Array.from({ length: 20 }, async (_, t) => {
          for (let r = 0; r < 20; r++) {
            const reply = await client.request([`${t}.${r}`, "second frame"]);
            expect(reply.map(String)).toEqual([`re:${t}.${r}`, "second frame"]);
          }
        });
        await within(Promise.all(tasks), 30_000, "400 requests through the queue");
      },
      60_000,
    );
  },
);

describe.each(availablePeers().map((spec) => [spec.name, spec] as const))(
  "serve() answering %s clients over tcp",
  (_, spec) => {
    let peer: Peer;
    beforeAll(async () => (peer = await Peer.start(spec)));
    afterAll(() => peer.stop());
    afterEach(() => peer.closeAll());

    it("over a router: a REQ, and a DEALER with and without a delimiter, each get their envelope back", async () => {
      const router = await pump.socket("router", { bind: address("tcp") });
      const serving = serve(router, (request) => ["re", ...request], { concurrency: 4 });
      const req = await peer.open("req", { connect: router.endpoints[0] });
      await peer.send(req.id, ["a", "b"]);
      expect((await peer.recv(req.id)).map(String)).toEqual(["re", "a", "b"]);
      const dealer = await peer.open("dealer", { connect: router.endpoints[0] });
      await peer.send(dealer.id, ["", "x"]);
      expect((await peer.recv(dealer.id)).map(String)).toEqual(["", "re", "x"]);
      await peer.send(dealer.id, ["bare"]);
      expect((await peer.recv(dealer.id)).map(String)).toEqual(["re", "bare"]);
      router.send.close();
      await serving;
    });

    it("over a rep: answers a REQ, and a failing handler with one empty frame", async () => {
      const rep = await pump.socket("rep", { bind: address("tcp") });
      const serving = serve(rep, ([body]) => {
        if (String(body) === "fail") throw new Error("no");
        return `re:${body}`;
      });
      const req = await peer.open("req", { connect: rep.endpoints[0] });
      await peer.send(req.id, ["one"]);
      expect((await peer.recv(req.id)).map(String)).toEqual(["re:one"]);
      await peer.send(req.id, ["fail"]);
      expect((await peer.recv(req.id)).map(String)).toEqual([""]);
      expect((await pump.errors.take())!.code).toBe("EHANDLER");
      rep.send.close();
      await serving;
    });
  },
);
