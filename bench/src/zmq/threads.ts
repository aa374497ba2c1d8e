// Where a PUSH→PULL message's CPU goes, thread by thread (probe.js threads; issue 18's "where
// the time goes"). Over tcp, each end in a process of its own, the ends paired every way:
// libzmq's C (bench/c/thr.c, alone) and the native pump (the bench's "sluice native" loops:
// an awaited put per message, an awaited take per message; and its bulk loops), so a figure
// of one end is read against C's figure for the same end in the same run.
//
// Per thread: the CPU time the kernel counted (/proc/<pid>/task/<tid>/stat, utime + stime)
// between just before the first message is sent and just after the PULL has the last,
// divided by the messages. "main" is the thread that calls libzmq (the process's first:
// JS in Node), "I/O" is libzmq's I/O thread (ZMQbg/IO/*), "other" everything else (V8's
// GC helpers, libuv's pool, libzmq's reaper). Linux only; the kernel counts in ticks
// (getconf CLK_TCK, 10 ms here), so a run should last a second or more.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { bounded, median, triangle } from "../measure";
import { buildC, withBuilt } from "./libzmq-c";
import { nativeProblem } from "./native";
import { PUSH_PULL, Peer } from "./peer";
import type { CeilingName, VariantName } from "./variant";

type Role = "main" | "I/O" | "other";
type Times = Map<Role, number>; // CPU ms per role of one process

const TICK_MS = ((): number => {
  const r = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
  const hz = Number(r.stdout);
  return Number.isInteger(hz) && hz > 0 ? 1000 / hz : 10;
})();

/** The CPU ms each role of process `pid` has used so far. */
export function cpuByRole(pid: number): Times {
  const times: Times = new Map([
    ["main", 0],
    ["I/O", 0],
    ["other", 0],
  ]);
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    // "tid (name) state ...": the name may hold spaces and parentheses, so cut at the last ")"
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
    const role: Role = Number(tid) === pid ? "main" : name.startsWith("ZMQbg/IO") ? "I/O" : "other";
    times.set(role, times.get(role)! + ms);
  }
  return times;
}

function since(before: Times, after: Times): Times {
  return new Map([...after].map(([role, ms]) => [role, ms - before.get(role)!]));
}

// A C program of bench/c/ run alone (thr, rtt): a child process and its stdout's lines, one
// at a time
export class Thr {
  readonly child: ChildProcess;
  readonly #lines: AsyncIterator<string>;
  readonly #reader: Interface;

  readonly #name: string;

  constructor(bin: string, args: string[]) {
    this.#name = basename(bin);
    this.child = spawn(bin, args, { stdio: ["pipe", "pipe", "inherit"] });
    this.#reader = createInterface({ input: this.child.stdout! });
    this.#lines = this.#reader[Symbol.asyncIterator]();
  }

  async line(what: string): Promise<string> {
    const next = await bounded(this.#lines.next(), 60_000, `${this.#name}'s ${what}`);
    if (next.done === true) throw new Error(`${this.#name} ended before its ${what}`);
    return next.value;
  }

  /** Ends its stdin (it closes and exits then) and waits until it has gone. */
  async end(): Promise<void> {
    const gone = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once("exit", () => resolve());
    });
    this.child.stdin!.end();
    await bounded(gone, 10_000, `${this.#name}'s exit`).catch((e: unknown) => {
      this.child.kill("SIGKILL");
      throw e;
    });
    this.#reader.close();
  }
}

interface Pairing {
  name: string;
  push: "C" | VariantName | CeilingName;
  pull: "C" | VariantName | CeilingName;
}

const PAIRINGS: Pairing[] = [
  { name: "C → C", push: "C", pull: "C" },
  { name: "C → sluice", push: "C", pull: "sluice native" },
  { name: "sluice → C", push: "sluice native", pull: "C" },
  { name: "sluice → sluice", push: "sluice native", pull: "sluice native" },
  {
    name: "sluice → sluice, bulk loops",
    push: "sluice native, bulk loops",
    pull: "sluice native, bulk loops",
  },
];

interface Run {
  rate: number;
  push: Times;
  pull: Times;
}

// One run of a pairing: n messages of `size` bytes over tcp.
async function runPairing(p: Pairing, bin: string, peer: Peer, n: number, size: number) {
  const bind = "tcp://127.0.0.1:*";
  // the PULL
  let pullPid: number, endpoint: string, received: () => Promise<{ sum: number; seconds: number }>;
  let closePull: () => Promise<void>;
  if (p.pull === "C") {
    const thr = new Thr(bin, [bind, String(n), String(size), "pull"]);
    endpoint = (await thr.line("endpoint")).replace("listening on ", "");
    pullPid = thr.child.pid!;
    received = async () => JSON.parse(await thr.line("result")) as { sum: number; seconds: number };
    closePull = () => thr.end();
  } else {
    const r = await PUSH_PULL[p.pull].pull(bind);
    endpoint = r.endpoint;
    pullPid = process.pid;
    received = () => r.receive(n);
    closePull = () => r.close();
  }
  // the PUSH, connected (C) or about to be (the peer's pump connects, then sends at once)
  let thr: Thr | undefined;
  let pushPid: number;
  if (p.push === "C") {
    thr = new Thr(bin, [endpoint, String(n), String(size), "push"]);
    await thr.line("ready");
    pushPid = thr.child.pid!;
  } else {
    pushPid = peer.pid;
  }
  try {
    const push0 = cpuByRole(pushPid);
    const pull0 = cpuByRole(pullPid);
    const got = received();
    let handle: number | undefined;
    if (thr !== undefined) thr.child.stdin!.write("go\n");
    else
      handle = (
        await peer.request({ op: "push", variant: p.push as VariantName, endpoint, n, size })
      ).handle;
    const { sum, seconds } = await bounded(got, 60_000, `threads: ${p.name}`);
    const run: Run = {
      rate: n / seconds,
      push: since(push0, cpuByRole(pushPid)),
      pull: since(pull0, cpuByRole(pullPid)),
    };
    if (sum !== triangle(n)) throw new Error(`threads: ${p.name} lost messages`);
    if (handle !== undefined) await peer.request({ op: "close", handle });
    return run;
  } finally {
    await thr?.end();
    await closePull();
  }
}

/**
 * `rounds` rounds (after one to warm up) of every pairing, interleaved, the order reversed every
 * other round; medians of the rate and of each role's CPU ns per message.
 */
export async function threadsProbe(rounds: number, n: number, size: number): Promise<void> {
  if (process.platform !== "linux") throw new Error("threads reads /proc: Linux only");
  const missing = nativeProblem();
  if (missing !== undefined) throw new Error(`threads needs the native engine: ${missing}`);
  const runs = new Map<string, Run[]>(PAIRINGS.map((p) => [p.name, []]));
  await withBuilt("threads", buildC, async (bin) => {
    const peer = Peer.start();
    try {
      for (let r = 0; r <= rounds; r++) {
        for (const p of r % 2 === 0 ? PAIRINGS : [...PAIRINGS].reverse()) {
          const run = await runPairing(p, bin, peer, n, size);
          if (r > 0) runs.get(p.name)!.push(run);
        }
      }
    } finally {
      await peer.stop();
    }
  });
  const ns = (xs: Run[], end: "push" | "pull", role: Role): number =>
    median(xs.map((x) => (x[end].get(role)! * 1e6) / n));
  const total = (xs: Run[]): number =>
    median(
      xs.map(
        (x) => ([...x.push.values(), ...x.pull.values()].reduce((a, b) => a + b, 0) * 1e6) / n,
      ),
    );
  console.log(
    `PUSH→PULL ${size} B over tcp, CPU ns per message by thread, medians of ${rounds} rounds ` +
      `of ${n} (tick ${TICK_MS} ms):`,
  );
  const head = [
    "pairing (PUSH → PULL)",
    "msg/s",
    "PUSH main",
    "PUSH I/O",
    "PULL main",
    "PULL I/O",
    "other",
    "all",
  ];
  const table = [head];
  for (const p of PAIRINGS) {
    const xs = runs.get(p.name)!;
    const other = median(xs.map((x) => ((x.push.get("other")! + x.pull.get("other")!) * 1e6) / n));
    table.push([
      p.name,
      `${(median(xs.map((x) => x.rate)) / 1e6).toFixed(2)}M`,
      ...[
        ns(xs, "push", "main"),
        ns(xs, "push", "I/O"),
        ns(xs, "pull", "main"),
        ns(xs, "pull", "I/O"),
      ].map((v) => v.toFixed(0)),
      other.toFixed(0),
      total(xs).toFixed(0),
    ]);
  }
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) {
    console.log(
      "  " +
        row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "),
    );
  }
}
