// Paired A/B of two builds of the pump, for judging a change to @sluice/zmq-channels itself:
// two checkouts (each built with `npx -y pnpm@10 build`) are loaded into one process, and
// PUSH→PULL rounds of each alternate, so drift in the machine's speed cancels out. The figure
// is the median of B's rate over A's, round by round, with its quartiles. (pairs.js compares
// the pump with plain zeromq.js inside one build; this compares two builds of the pump.)
//
//   node bench/dist/builds.js <checkout A> <checkout B> [rounds] [tcp|inproc]
import * as path from "node:path";
import { median } from "./measure";

const usage =
  "usage: node bench/dist/builds.js <checkout A> <checkout B> [rounds] [tcp|inproc]\n" +
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

function load(checkout: string): PumpClass {
  const file = path.resolve(checkout, "packages", "zmq-channels", "dist", "index.js");
  return (require(file) as { Pump: PumpClass }).Pump;
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
  const [a, b, roundsArg, transport = "tcp"] = process.argv.slice(2);
  const rounds = Number(roundsArg ?? 11);
  if (a === undefined || b === undefined || !(rounds >= 1) || !/^(tcp|inproc)$/.test(transport)) {
    console.error(usage);
    process.exitCode = 1;
    return;
  }
  const A = load(a);
  const B = load(b);
  await round(A, transport, MESSAGES / 5); // warm both
  await round(B, transport, MESSAGES / 5);
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always runs after the other's garbage.
    const first = r % 2 === 0 ? A : B;
    const x = await round(first, transport, MESSAGES);
    const y = await round(first === A ? B : A, transport, MESSAGES);
    ratios.push(first === A ? y / x : x / y);
  }
  console.log(
    `${transport} PUSH→PULL 16 B: B / A, median of ${rounds} paired ratios ` +
      `${median(ratios).toFixed(3)} (quartiles ${quantile(ratios, 0.25).toFixed(3)}–` +
      `${quantile(ratios, 0.75).toFixed(3)})`,
  );
}

void main();
