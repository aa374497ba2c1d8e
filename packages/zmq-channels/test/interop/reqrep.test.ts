// requester() against REP servers in other processes, written in Python (pyzmq) the way the
// guide's Lazy Pirate server is: no sluice on their side, and the id envelope goes through
// their REP unchanged. Over tcp and ipc, 10,000 requests from 50 concurrent tasks share one
// DEALER while the servers are slow, drop a request now and then, or are killed and replaced:
// every request ends with its own reply, a TimeoutError or its abort reason, and the counts add
// up. Skipped (with a line saying so) where /usr/bin/python3 cannot import zmq.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import { Pump, requester, TimeoutError } from "@sluice/zmq-channels";
import { address, within } from "../helpers";
import { pythonZmqAvailable } from "./peer";

const PYTHON = "/usr/bin/python3";
const SERVER = path.join(__dirname, "peers", "rep_server.py");

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
}

const servers = new Set<Server>();

/** Starts rep_server.py and waits until it says it is connected. */
async function startServer(endpoint: string, mode: string, seed: number): Promise<Server> {
  const child = spawn(PYTHON, ["-u", SERVER, endpoint, mode, String(seed)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const server = { child, exited };
  servers.add(server);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const connected = new Promise<void>((resolve, reject) => {
    lines.once("line", () => resolve());
    void exited.then(() => reject(new Error(`rep_server.py ${mode} exited: ${stderr}`)));
  });
  await within(connected, 10_000, `rep_server.py ${mode} to connect`);
  return server;
}

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
