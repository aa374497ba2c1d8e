// Paired A/B of two builds of the pump, for judging a change to @sluice/zmq-channels itself:
// two checkouts (each built with `npx -y pnpm@10 build`) are loaded into one process, and
// PUSH→PULL rounds of each alternate, so drift in the machine's speed cancels out. The figure
// is the median of B's rate over A's, round by round, with its quartiles. (pairs.js compares
// the pump with plain zeromq.js inside one build; this compares two builds of the pump.)
// `procs` puts the PUSH in a child process over tcp, awaiting each put and each take as the
// main bench's "sluice native" row does (`size` bytes a message, 16 by default); `bulk` does the
// same with the loops of its "bulk loops" row (offer first, poll first); the engine is
// SLUICE_ENGINE's, in both.
//
//   node bench/dist/builds.js <checkout A> <checkout B> [rounds] [tcp|inproc|procs|bulk] [size]
import { spawn } from "node:child_process";
import * as path from "node:path";
import { median } from "./measure";

const usage =
  "usage: node bench/dist/builds.js <checkout A> <checkout B> [rounds] [tcp|inproc|procs|bulk] [size]\n" +
  "  (each checkout built with `npx -y pnpm@10 build`; B over A is printed)";

interface PumpLike {
  socket(kind: string, opts: object): Promise<SocketsLike>;
  close(): Promise<void>;
}
interface ChannelLike<T> {
  offer(v: T): boolean;
  put(v: T): Promise<boolean>;
  poll(): T | undefined;
  take(): Promise<T | undefined>;
}
interface SocketsLike {
  send: ChannelLike<unknown>;
  recv: ChannelLike<Buffer[]>;
  endpoints: readonly string[];
}
type PumpClass = new () => PumpLike;

const MESSAGES = 50_000;
/** procs: more messages a round, so that a round outlasts the child's start. */
const PROC_MESSAGES = 300_000;

function load(checkout: string): PumpClass {
  const file = path.resolve(checkout, "packages", "zmq-channels", "dist", "index.js");
  return (require(file) as { Pump: PumpClass }).Pump;
}

// procs, in the child: `<checkout> <endpoint> <n> <size> <bulk>` sends 1..n over a PUSH, each
// put awaited (bulk: offered first), the index in the message's first 4 bytes.
async function push(
  checkout: string,
  endpoint: string,
  n: number,
  size: number,
  bulk: boolean,
): Promise<void> {
  const pump = new (load(checkout))();
  const { send } = await pump.socket("push", { connect: endpoint, options: { linger: 2000 } });
  for (let i = 1; i <= n; i++) {
    const body = Buffer.allocUnsafe(size);
    body.writeUInt32LE(i, 0);
    if (!bulk || !send.offer(body)) await send.put(body);
  }
  await pump.close();
}

// procs, in this process: a PULL of checkout's pump receives what a child's PUSH sends; messages
// per second from the first to the last, the indexes checked.
async function procsRound(
  checkout: string,
  n: number,
  size: number,
  bulk: boolean,
): Promise<number> {
  const pump = new (load(checkout))();
  const pull = await pump.socket("pull", { bind: "tcp://127.0.0.1:*" });
  const child = spawn(
    process.execPath,
    [__filename, "--push", checkout, pull.endpoints[0]!, String(n), String(size), String(bulk)],
    { stdio: "inherit" },
  );
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let t0 = 0n;
  let sum = 0;
  for (let got = 0; got < n; got++) {
    const m = (bulk ? pull.recv.poll() : undefined) ?? (await pull.recv.take());
    if (m === undefined) throw new Error(`recv closed after ${got} of ${n} messages`);
    if (got === 0) t0 = process.hrtime.bigint();
    sum += m[0]!.readUInt32LE(0);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sum !== (n * (n + 1)) / 2) throw new Error("procs: messages lost or repeated");
  if ((await exited) !== 0) throw new Error("procs: the PUSH process failed");
  await pump.close();
  return (n - 1) / seconds;
}

// One round: PUSH→PULL of 16 B messages, both ends on one pump; messages per second.
async function round(Pump: PumpClass, transport: string, n: number): Promise<number> {
  const pump = new Pump();
  const bind = transport === "tcp" ? "tcp://127.0.0.1:*" : `inproc://builds-${Math.random()}`;
  const pull = await pump.socket("pull", { bind });
  const push = await pump.socket("push", { connect: pull.endpoints[0] });
  const body = Buffer.alloc(16);
  const t0 = process.hrtime.bigint();
  const producing = (async () => {
    for (let i = 0; i < n; i++) if (!push.send.offer(body)) await push.send.put(body);
  })();
  for (let got = 0; got < n; got++) {
    if (pull.recv.poll() === undefined && (await pull.recv.take()) === undefined) {
      throw new Error(`recv closed after ${got} of ${n} messages`);
    }
  }
  await producing;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await pump.close();
  return n / seconds;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--push") {
    return push(argv[1]!, argv[2]!, Number(argv[3]), Number(argv[4]), argv[5] === "true");
  }
  const [a, b, roundsArg, transport = "tcp", sizeArg] = argv;
  const rounds = Number(roundsArg ?? 11);
  const size = Number(sizeArg ?? 16);
  const procs = transport === "procs" || transport === "bulk";
  if (
    a === undefined ||
    b === undefined ||
    !(rounds >= 1) ||
    !/^(tcp|inproc|procs|bulk)$/.test(transport) ||
    !(Number.isInteger(size) && size >= 4) ||
    (!procs && sizeArg !== undefined)
  ) {
    console.error(usage);
    process.exitCode = 1;
    return;
  }
  const once = procs
    ? (checkout: string, n: number) => procsRound(checkout, n, size, transport === "bulk")
    : (checkout: string, n: number) => round(load(checkout), transport, n);
  const n = procs ? PROC_MESSAGES : MESSAGES;
  await once(a, n / 5); // warm both
  await once(b, n / 5);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always runs after the other's garbage.
    const first = r % 2 === 0 ? a : b;
    const x = await once(first, n);
    const y = await once(first === a ? b : a, n);
    ratios.push(first === a ? y / x : x / y);
  }
  console.log(
    `${transport} PUSH→PULL ${size} B: B / A, median of ${rounds} paired ratios ` +
      `${median(ratios).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}–` +
      `${quantile(ratios, 0.75).toFixed(3)})`,
  );
}

void main();
