// majordomo: the guide's service-oriented broker (chapter 4, 7/MDP) with channels: a broker,
// the worker API and the client API (majordomo-broker.ts, -worker.ts, -client.ts, on the wire
// format of majordomo-mdp.ts). With no role flag, everything in one process: a broker, two
// echo workers and a client. With a role flag, one role, speaking MDPC01/MDPW01 as the guide's
// programs do, so the other two can be mdbroker, mdworker or mdclient in any language:
//
//   node dist/majordomo.js --broker 'tcp://127.0.0.1:*' [--heartbeatMs 2500]
//   node dist/majordomo.js --worker tcp://127.0.0.1:5555 --service echo [--sleepMs 0]
//   node dist/majordomo.js --client tcp://127.0.0.1:5555 --service echo --requests 10
//
// The broker prints `listening on <endpoint>` and runs until SIGINT/SIGTERM; a worker echoes
// each request (the reply is the request's frames) until a signal; a client sends its requests
// one by one, checks each echo, prints `N requests/replies processed`, and exits 0 only when
// every request was answered with its echo.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { timeout } from "@sluice/channels";
import { Pump, TimeoutError, type Frame } from "@sluice/zmq-channels";
import { countFlag, endpointFlag, inproc, pickRole, roleFor, UsageError, type Role } from "./cli";
import { broker } from "./majordomo-broker";
import { client } from "./majordomo-client";
import { worker } from "./majordomo-worker";

export interface MajordomoOptions {
  /** Be the broker: bind a ROUTER here. */
  broker?: string | undefined;
  /** Be an echo worker of `service`, connected to the broker here. */
  worker?: string | undefined;
  /** Be a client of `service`, connected to the broker here. */
  client?: string | undefined;
  /** The service a worker offers, or a client asks for. */
  service?: string | undefined;
  /** Requests a client sends (default 10). */
  requests?: number | undefined;
  /** Heartbeat interval of a broker or worker, ms (default the guide's 2500). */
  heartbeatMs?: number | undefined;
  /** A worker's "work" before each reply, ms (default 0). */
  sleepMs?: number | undefined;
  /** How long a client waits for each reply, ms (default the guide's 2500). */
  timeoutMs?: number | undefined;
  /** How often a client resends on a fresh socket after a timeout (default the guide's 3). */
  retries?: number | undefined;
  /** Where a role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops a role: it closes its sockets and resolves with what it did. */
  signal?: AbortSignal | undefined;
}

export type MajordomoResult =
  /** No role flag: the replies the client got, in order. */
  | { role: "all"; replies: string[] }
  | { role: "broker"; requests: number; replies: number }
  | { role: "worker"; handled: number; reconnects: number }
  /**
   * --client: each request's body, and its reply's (`null`: it timed out or was not sent
   * because the client was stopped).
   */
  | { role: "client"; requests: string[]; replies: Array<string | null> };

const ROLES = {
  "": ["service", "requests"],
  broker: ["heartbeatMs"],
  worker: ["service", "heartbeatMs", "sleepMs"],
  client: ["service", "requests", "timeoutMs", "retries"],
} as const;

export async function main(opts: MajordomoOptions = {}): Promise<MajordomoResult> {
  const role = pickRole("majordomo", opts, ROLES);
  const run = roleFor(undefined, opts);
  const heartbeatMs = countFlag("heartbeatMs", opts.heartbeatMs);
  if (role === "broker") {
    return runBroker(endpointFlag("broker", opts.broker, true), heartbeatMs, run);
  }
  if (role === "worker") {
    const endpoint = endpointFlag("worker", opts.worker, false);
    const sleepMs = countFlag("sleepMs", opts.sleepMs) ?? 0;
    return runWorker(endpoint, serviceFlag(opts.service, "worker"), heartbeatMs, sleepMs, run);
  }
  if (role === "client") {
    const endpoint = endpointFlag("client", opts.client, false);
    return runClient(endpoint, serviceFlag(opts.service, "client"), {
      requests: countFlag("requests", opts.requests) ?? 10,
      timeoutMs: countFlag("timeoutMs", opts.timeoutMs),
      retries: countFlag("retries", opts.retries),
      run,
    });
  }
  return runAll(opts.service ?? "echo", countFlag("requests", opts.requests) ?? 10);
}

function serviceFlag(value: unknown, role: string): string {
  if (typeof value !== "string" || value === "") {
    throw new UsageError(`majordomo --${role} needs --service <name> (the service's name)`);
  }
  return value;
}

// #region broker-role
async function runBroker(endpoint: string, heartbeatMs: number | undefined, { signal, say }: Role) {
  const pump = new Pump();
  const listening = (bound: string) => say(`listening on ${bound}`);
  const counts = await broker(pump, endpoint, { heartbeatMs, signal, listening });
  await pump.close();
  say(`brokered ${counts.requests} requests, ${counts.replies} replies`);
  return { role: "broker" as const, ...counts };
}
// #endregion broker-role

// #region worker-role
// mdworker: an echo service; the reply is the request's frames.
async function runWorker(
  endpoint: string,
  service: string,
  heartbeatMs: number | undefined,
  sleepMs: number,
  { signal, say }: Role,
) {
  const pump = new Pump();
  const echo = async (request: Frame[]) => {
    if (sleepMs > 0) await timeout(sleepMs).take(); // "do some work"
    return request;
  };
  const ready = () => say(`worker for "${service}" ready`);
  const result = await worker(pump, endpoint, service, echo, { heartbeatMs, signal, ready });
  await pump.close();
  return { role: "worker" as const, ...result };
}
// #endregion worker-role

// #region client-role
// mdclient: send each request, check that the echo is its own, count those answered.
async function runClient(
  endpoint: string,
  service: string,
  opts: {
    requests: number;
    timeoutMs?: number | undefined;
    retries?: number | undefined;
    run: Role;
  },
) {
  const { signal, say } = opts.run;
  const pump = new Pump();
  const mdcli = client(pump, endpoint, {
    timeoutMs: opts.timeoutMs,
    retries: opts.retries,
    signal,
  });
  const tag = randomBytes(4).toString("hex"); // this client's requests are unlike any other's
  const requests: string[] = [];
  const replies: Array<string | null> = [];
  for (let i = 0; i < opts.requests; i++) {
    const body = `${tag} ${i}`;
    requests.push(body);
    try {
      const reply = await mdcli.request(service, body);
      replies.push(reply.map(String).join(" "));
    } catch (e) {
      replies.push(null);
      if (signal?.aborted) break;
      if (!(e instanceof TimeoutError)) throw e;
      say(`E: ${(e as Error).message}`);
    }
  }
  const answered = replies.filter((r, i) => r === requests[i]).length;
  say(`${answered} requests/replies processed`);
  await mdcli.close();
  await pump.close();
  return { role: "client" as const, requests, replies };
}
// #endregion client-role

// #region all
async function runAll(service: string, requests: number) {
  const pump = new Pump();
  const endpoint = inproc("majordomo");
  const stop = new AbortController();
  let bound!: () => void;
  const listening = new Promise<void>((resolve) => (bound = resolve));
  const brokering = broker(pump, endpoint, {
    heartbeatMs: 250,
    signal: stop.signal,
    listening: bound,
  });
  await listening;
  const echo = (request: Frame[]) => request;
  const working = [1, 2].map(() =>
    worker(pump, endpoint, service, echo, { heartbeatMs: 250, signal: stop.signal }),
  );

  const mdcli = client(pump, endpoint);
  const replies: string[] = [];
  for (let i = 0; i < requests; i++) {
    const [reply] = await mdcli.request(service, `Hello world ${i}`);
    replies.push(String(reply));
  }

  stop.abort();
  await Promise.all([brokering, ...working, mdcli.close()]);
  await pump.close();
  return { role: "all" as const, replies };
}
// #endregion all

/** What `--help` prints. */
export const USAGE = `majordomo: the guide's Majordomo broker, worker and client (7/MDP, MDPC01/MDPW01)

  node dist/majordomo.js                          broker, two echo workers and a client in one process
  node dist/majordomo.js --broker <endpoint>      bind and broker until SIGINT/SIGTERM
      [--heartbeatMs 2500]
  node dist/majordomo.js --worker <endpoint> --service <name>
      [--heartbeatMs 2500] [--sleepMs 0]          an echo worker, until SIGINT/SIGTERM
  node dist/majordomo.js --client <endpoint> --service <name>
      [--requests 10] [--timeoutMs 2500] [--retries 3]
                                                  send the requests, check each echo, exit 0
                                                  only when every one was answered
  --help                                          this text`;

const NUMBERS = ["requests", "heartbeatMs", "sleepMs", "timeoutMs", "retries"] as const;

/** The command line as main()'s options: strict (an unknown flag is a UsageError). */
export function parseCommandLine(argv: readonly string[]): MajordomoOptions | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: "boolean", short: "h" },
        broker: { type: "string" },
        worker: { type: "string" },
        client: { type: "string" },
        service: { type: "string" },
        ...Object.fromEntries(NUMBERS.map((n) => [n, { type: "string" as const }])),
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (majordomo --help lists the flags)`);
  }
  if (values.help) return "help";
  const opts: Record<string, unknown> = { ...values };
  for (const name of NUMBERS) {
    const v = values[name];
    // "12" → 12; anything else goes on as written, for countFlag to name it.
    if (typeof v === "string" && /^\d+$/.test(v)) opts[name] = Number(v);
  }
  return opts as MajordomoOptions;
}

if (require.main === module) {
  let opts: MajordomoOptions | "help";
  try {
    opts = parseCommandLine(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (opts === "help") {
    console.log(USAGE);
  } else {
    // The first SIGINT or SIGTERM stops the role (it closes its sockets and exits 0); a second
    // one kills it as usual.
    const controller = new AbortController();
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop).off("SIGTERM", stop);
      controller.abort(new Error(`stopped by ${signal}`));
    };
    process.once("SIGINT", stop).once("SIGTERM", stop);
    main({ ...opts, signal: controller.signal })
      .then(
        (result) => {
          if (result.role === "all") console.log(result.replies.join("\n"));
          if (result.role === "client" && result.replies.some((r, i) => r !== result.requests[i])) {
            process.exitCode = 1;
          }
        },
        (e: unknown) => {
          console.error(e instanceof UsageError ? e.message : e);
          process.exitCode = e instanceof UsageError ? 2 : 1;
        },
      )
      .finally(() => process.off("SIGINT", stop).off("SIGTERM", stop));
  }
}
