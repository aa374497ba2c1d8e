// Probes: single-number measurements behind statements in docs/performance.md that no
// workload of the main bench isolates.
//
//   node bench/dist/probe.js idle-select [k]   select over k empty channels, then one arrival
//   node bench/dist/probe.js receivers [rounds] [n]  who pays what on the receiving side, over tcp
//   node bench/dist/probe.js timeouts [rounds]  live timers after a loop of select([ch, timeout(1000)])
//   node bench/dist/probe.js pushpull [rounds] [n]  PUSH→PULL per engine, paired rounds (issue 18)
//   node bench/dist/probe.js senders [rounds] [n] [size]  what a sending process pays, against
//                                               libzmq's own PULL (issue 18)
//   node bench/dist/probe.js threads [rounds] [n] [size]  PUSH→PULL over tcp, C and sluice ends
//                                               paired every way: CPU per message per thread
//                                               (issue 18: where the time goes)
//   node bench/dist/probe.js libzmq-builds [rounds] [n] [size]  thr.c (libzmq C) on the system's
//                                               libzmq and on the one in zeromq.js's addon (the
//                                               one the native engine calls), paired, tcp
//   node bench/dist/probe.js rtt [rounds] [n]  REQ→REP round trips over tcp, C and native ends
//                                               paired every way: p50 and p99
//   node bench/dist/probe.js select-eld [rounds] [n]  select over 100 PULLs: the event loop's
//                                               p99, and what held it (issue 18)
//   node bench/dist/probe.js setup-stall [k]   k socket() calls in one Promise.all: the longest
//                                               the loop was held meanwhile, per engine (P59)
//   node bench/dist/probe.js socket-memory [pairs]  RSS per PUSH/PULL pair over inproc, per engine,
//                                               each in a fresh process (after a gc)
//   node bench/dist/probe.js select-passes [k]  ns per select, sluice and the promise floor, when
//                                               one op is ready (pass 1) and when none is (pass 2)
//   node bench/dist/probe.js workload sluice|floor ping|spsc|select2|select16|select128|fanin reps
//       runs one library's workload reps × 20 000 times and nothing else: under
//       `valgrind --tool=callgrind node --single-threaded`, the instructions it takes (two rep
//       counts apart, divided by the operations between them) are a figure this machine's noise
//       does not move (decisions C21–C25)
import { type Channel, chan, select, timeout } from "@sluice/channels";
import { FloorChan, floorSelect } from "./channels/floor";
import { libNamed } from "./channels/libs";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { bounded, median, triangle } from "./measure";
import { buildC, buildCOnAddon, cLibzmq, runC } from "./zmq/libzmq-c";
import { PUSH_PULL, Peer } from "./zmq/peer";
import { receiveN } from "./zmq/pump";
import { indexOf, message, type PushPull } from "./zmq/variant";
import { nativeProblem } from "./zmq/native";
import { threadsProbe } from "./zmq/threads";
import { rttProbe } from "./zmq/rtt";

const usage =
  "usage: node bench/dist/probe.js idle-select [k]\n" +
  "       node bench/dist/probe.js receivers [rounds] [messages]\n" +
  "       node bench/dist/probe.js timeouts [rounds]\n" +
  "       node bench/dist/probe.js pushpull [rounds] [messages]\n" +
  "       node bench/dist/probe.js senders [rounds] [messages] [size]\n" +
  "       node bench/dist/probe.js threads [rounds] [messages] [size]\n" +
  "       node bench/dist/probe.js libzmq-builds [rounds] [messages] [size]\n" +
  "       node bench/dist/probe.js rtt [rounds] [round trips]\n" +
  "       node bench/dist/probe.js select-eld [rounds] [messages]\n" +
  "       node bench/dist/probe.js setup-stall [k]\n" +
  "       node bench/dist/probe.js socket-memory [pairs]\n" +
  "       node bench/dist/probe.js select-passes [k]\n" +
  "       node bench/dist/probe.js workload sluice|floor ping|spsc|select2|select16|select128|fanin reps";

// Where a select's time goes, per pass: k buffered channels, one value offered per select on
// one of them, the select made after the offer (pass 1 finds it ready) or before (pass 2 parks
// on all k, and the offer completes it). Alternates sluice and the floor, 5 rounds each.
async function selectPasses(k: number): Promise<void> {
  const n = 200_000;
  const sluice = async (parked: boolean): Promise<number> => {
    const cs: Channel<number>[] = Array.from({ length: k }, () => chan<number>(4));
    const t0 = process.hrtime.bigint();
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const ch = cs[i % k]!;
      if (parked) {
        const p = select(cs);
        ch.offer(1);
        sum += (await p).value as number;
      } else {
        ch.offer(1);
        sum += (await select(cs)).value as number;
      }
    }
    if (sum !== n) throw new Error("select-passes: checksum");
    return Number(process.hrtime.bigint() - t0) / n;
  };
  const floor = async (parked: boolean): Promise<number> => {
    const cs = Array.from({ length: k }, () => new FloorChan<number>(4));
    const t0 = process.hrtime.bigint();
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const ch = cs[i % k]!;
      if (parked) {
        const p = floorSelect(cs);
        void ch.put(1);
        sum += (await p)[0];
      } else {
        void ch.put(1);
        sum += (await floorSelect(cs))[0];
      }
    }
    if (sum !== n) throw new Error("select-passes: checksum");
    return Number(process.hrtime.bigint() - t0) / n;
  };
  const xs: Record<string, number[]> = { s1: [], f1: [], s2: [], f2: [] };
  for (let r = 0; r < 7; r++) {
    xs.s1!.push(await sluice(false));
    xs.f1!.push(await floor(false));
    xs.s2!.push(await sluice(true));
    xs.f2!.push(await floor(true));
  }
  const m = (a: number[]) => median(a.slice(2)).toFixed(0); // the first two are the warm-up
  console.log(
    `select over ${k}, ns per select (median of 5): one ready (pass 1) sluice ${m(xs.s1!)} floor ${m(xs.f1!)}; ` +
      `none ready (pass 2) sluice ${m(xs.s2!)} floor ${m(xs.f2!)}`,
  );
}

// What the timeouts of a select loop leave behind: each round makes a fresh timeout(1000) that
// loses to a ready channel. Counts the timers alive after the loop (decision C17).
async function timeouts(rounds: number): Promise<void> {
  const ch = chan<number>(1);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    ch.offer(i);
    await select([ch, timeout(1000)], { priority: true });
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const timers = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  console.log(
    `${rounds} rounds of select([ch, timeout(1000)]) in ${ms.toFixed(0)} ms; live timers after: ${timers}`,
  );
}

// The cost of a select that finds nothing ready: it tries all k ops (pass 1), parks a handler
// on every channel (pass 2), and the k-1 that lose are swept later. One value then arrives on
// one channel. This is what a consumer selecting over many quiet sockets pays per message.
async function idleSelect(k: number): Promise<void> {
  const n = 50_000;
  const chans = Array.from({ length: k }, () => chan<number>(128));
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const pending = select(chans);
      chans[(i * 37) % k]!.offer(i + 1);
      sum += (await pending).value as number;
    }
    if (sum !== (n * (n + 1)) / 2) throw new Error(`idle-select: checksum ${sum}`);
    rounds.push(Number(process.hrtime.bigint() - t0) / n);
  }
  // the first two rounds are the warm-up
  console.log(
    `idle select over ${k} channels, then one arrival: median ${median(rounds.slice(2)).toFixed(0)} ns ` +
      `per select (5 rounds of ${n})`,
  );
}

// The fast path's receiving loop with one channel hop added: a task receives as fastpath.ts
// does and offers each message to a channel (buffer 128, the pump's default); the consumer
// takes from the channel. Against the fast path it isolates the price of the hop; against the
// pump, the price of everything else the pump does per message.
const fastPathWithHop: Pick<PushPull, "name" | "pull"> = {
  name: "zeromq.js fast path",
  async pull(bind) {
    const s = new zmq.Pull({ receiveTimeout: 0 });
    await s.bind(bind);
    const hop = chan<Buffer[]>(128);
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const lane = (async () => {
      for (let i = 1; !s.closed; i++) {
        let m: Buffer[];
        try {
          m = await s.receive();
        } catch {
          if (s.closed) return;
          s.receiveTimeout = -1; // wait inside zeromq for the next message, as fastpath.ts
          try {
            m = await s.receive();
          } catch {
            return; // closed under the wait
          } finally {
            if (!s.closed) s.receiveTimeout = 0;
          }
        }
        if (!hop.offer(m)) await hop.put(m);
        if (i % 256 === 0) await turn();
      }
    })();
    return {
      endpoint: s.lastEndpoint ?? bind,
      receive: (n) => receiveN(hop, n),
      async close() {
        s.close();
        hop.close();
        await lane;
      },
    };
  },
};

// Receivers side by side, over tcp, 16 B messages, the sender always the fast path in the peer
// process (the fastest sender, so the receiver is what limits): the receiving process's CPU
// time per message and the rate, median over the rounds, variants interleaved.
async function receivers(rounds: number, n: number): Promise<void> {
  const variants: Array<[string, Pick<PushPull, "pull">]> = [
    ["zeromq.js fast path", PUSH_PULL["zeromq.js fast path"]],
    ["fast path + one channel hop", fastPathWithHop],
    ["sluice on zeromq.js", PUSH_PULL["sluice on zeromq.js"]],
    ["plain zeromq.js", PUSH_PULL["plain zeromq.js"]],
  ];
  const rates = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const cpus = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const peer = Peer.start();
  try {
    // the first round is the warm-up
    for (let r = 0; r <= rounds; r++) {
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      for (const [name, v] of order) {
        const receiver = await v.pull("tcp://127.0.0.1:*");
        const cpu0 = process.cpuUsage();
        const sent = peer.request({
          op: "push",
          variant: "zeromq.js fast path",
          endpoint: receiver.endpoint,
          n,
          size: 16,
        });
        const tally = await receiver.receive(n);
        const cpu = process.cpuUsage(cpu0);
        const { handle } = await sent;
        await peer.request({ op: "close", handle: handle! });
        await receiver.close();
        if (tally.sum !== (n * (n + 1)) / 2) throw new Error(`receivers: ${name} lost messages`);
        if (r === 0) continue;
        rates.get(name)!.push(n / tally.seconds);
        cpus.get(name)!.push((cpu.user + cpu.system) / n);
      }
    }
  } finally {
    await peer.stop();
  }
  console.log(`receivers over tcp, 16 B, ${rounds} rounds of ${n} (sender: the fast path):`);
  for (const [name] of variants) {
    console.log(
      `  ${name.padEnd(28)} ${(median(rates.get(name)!) / 1000).toFixed(0).padStart(4)}k msg/s, ` +
        `${median(cpus.get(name)!).toFixed(2)} µs CPU per message`,
    );
  }
}

// PUSH→PULL, both ends the same variant (the PUSH in the peer process over ipc and tcp, in this
// process over inproc), for 16 B and 1 KiB: the rate per variant, median over the rounds, the
// variants interleaved round by round (the order reversed every other round), and each one's
// ratio to the pump on the zeromq.js engine measured in the same rounds.
// libzmq in C (bench/c/thr.c, zmq/libzmq-c.ts) is the reference row when it can be built.
async function pushPull(rounds: number, n: number): Promise<void> {
  const names = [
    "sluice native",
    "sluice on zeromq.js",
    "plain zeromq.js",
    "zeromq.js fast path",
  ] as const;
  const missing = nativeProblem();
  const variants = names.filter((name) => name !== "sluice native" || missing === undefined);
  if (missing !== undefined) console.log(`no "sluice native": ${missing}`);
  const peer = Peer.start();
  const dir = mkdtempSync(join(tmpdir(), "sluice-probe-"));
  const c = buildC(dir);
  if (typeof c !== "string") console.log(`no "libzmq C" row: ${c.skipped}`);
  const all = typeof c === "string" ? [...variants, "libzmq C"] : variants;
  let k = 0;
  try {
    for (const size of [16, 1024]) {
      for (const transport of ["tcp", "ipc", "inproc"] as const) {
        const rates = new Map<string, number[]>(all.map((name) => [name, []]));
        for (let r = 0; r <= rounds; r++) {
          const order = r % 2 === 0 ? all : [...all].reverse();
          for (const name of order) {
            const bind =
              transport === "tcp"
                ? "tcp://127.0.0.1:*"
                : transport === "ipc"
                  ? `ipc://${join(dir, `${k++}.sock`)}`
                  : `inproc://probe-${k++}`;
            if (name === "libzmq C") {
              // 10× the messages: at millions per second, n alone is over in milliseconds
              const run = await runC(c as string, bind, n * 10, size, 60_000);
              if (run.sum !== triangle(n * 10)) throw new Error("pushpull: libzmq C lost messages");
              if (r > 0) rates.get(name)!.push((n * 10) / run.seconds);
              continue;
            }
            const v: PushPull = PUSH_PULL[name as (typeof variants)[number]];
            const receiver = await v.pull(bind);
            const variant = name as (typeof variants)[number];
            // inproc: the PUSH in this process, sending while the PULL receives
            const local = transport === "inproc" ? v.push(receiver.endpoint, n, size) : undefined;
            const sent =
              local === undefined
                ? peer.request({ op: "push", variant, endpoint: receiver.endpoint, n, size })
                : undefined;
            const tally = await receiver.receive(n);
            if (local !== undefined) await (await local).close();
            if (sent !== undefined)
              await peer.request({ op: "close", handle: (await sent).handle! });
            await receiver.close();
            if (tally.sum !== (n * (n + 1)) / 2) throw new Error(`pushpull: ${name} lost messages`);
            if (r > 0) rates.get(name)!.push(n / tally.seconds); // round 0 warms up
          }
        }
        const base = median(rates.get("sluice on zeromq.js")!);
        const cRate = rates.get("libzmq C");
        const cBase = cRate === undefined ? undefined : median(cRate);
        console.log(`PUSH→PULL ${size} B ${transport}, ${rounds} rounds of ${n}:`);
        for (const name of all) {
          const m = median(rates.get(name)!);
          console.log(
            `  ${name.padEnd(22)} ${(m / 1000).toFixed(0).padStart(5)}k msg/s  ` +
              `${(m / base).toFixed(2)}× the pump on zeromq.js` +
              (cBase === undefined ? "" : `  ${(m / cBase).toFixed(2)}× libzmq C`),
          );
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await peer.stop();
  }
}

// The select-over-100 row's event-loop p99, taken apart: the same flow (100 PULLs over ipc on
// the native engine, fed by 100 PUSHes in the peer process, one consumer selecting over their
// `recv`s) with `recv` buffers of 128 (the default) and of 16, so a p99 that came from draining
// what the buffers hold would shrink with them. Beside it, per run: the longest time the loop
// went without a turn (a setImmediate chain) and how many messages the consumer took in it, and
// the share of the run the JS thread spent runnable but waiting for a core (Linux schedstat;
// "n/a" elsewhere): time no code of the process can give back.
async function selectEld(rounds: number, n: number): Promise<void> {
  const missing = nativeProblem();
  if (missing !== undefined) throw new Error(`select-eld needs the native engine: ${missing}`);
  const k = 100;
  const { Pump } = await import("@sluice/zmq-channels");
  const dir = mkdtempSync(join(tmpdir(), "sluice-probe-"));
  const peer = Peer.start();
  const results = new Map<
    number,
    { rate: number[]; p99: number[]; wait: number[]; hold: string[] }
  >();
  let endpoint = 0;
  try {
    for (let r = 0; r <= rounds; r++) {
      for (const buffer of r % 2 === 0 ? [128, 16] : [16, 128]) {
        const pump = new Pump({ engine: "native" });
        try {
          const binds = Array.from({ length: k }, () => `ipc://${join(dir, `${endpoint++}.sock`)}`);
          const sockets = await Promise.all(
            binds.map((bind) => pump.socket("pull", { bind, recv: chan<Buffer[]>(buffer) })),
          );
          const recvs = sockets.map((s) => s.recv);
          const sent = peer.request({
            op: "pushes",
            variant: "sluice native",
            endpoints: binds,
            n,
            size: 16,
          });
          let sum = indexOf((await select(recvs)).value?.[0]); // the flow has started
          let turns = 0;
          let on = true;
          const spin = (): void => {
            turns++;
            if (on) setImmediate(spin);
          };
          setImmediate(spin);
          const eld = monitorEventLoopDelay({ resolution: 1 });
          eld.enable();
          const wait0 = runqueueMs();
          const t0 = performance.now();
          let seen = -1;
          let since = t0;
          let taken = 0;
          let longest = [0, 0];
          for (let i = 1; i < n; i++) {
            sum += indexOf((await select(recvs)).value?.[0]);
            if (turns !== seen) {
              const now = performance.now();
              if (now - since > longest[0]!) longest = [now - since, taken];
              seen = turns;
              since = now;
              taken = 0;
            }
            taken++;
          }
          const wall = performance.now() - t0;
          const wait1 = runqueueMs();
          eld.disable();
          on = false;
          const { handle } = await sent;
          await peer.request({ op: "close", handle: handle! });
          if (sum !== triangle(n)) throw new Error(`select-eld: recv(${buffer}) lost messages`);
          if (r === 0) continue; // the warm-up
          const res = results.get(buffer) ?? { rate: [], p99: [], wait: [], hold: [] };
          res.rate.push((n - 1) / (wall / 1000));
          res.p99.push(eld.percentile(99) / 1e6);
          if (wait0 !== undefined && wait1 !== undefined) res.wait.push((wait1 - wait0) / wall);
          res.hold.push(`${longest[0]!.toFixed(0)}/${longest[1]}`);
          results.set(buffer, res);
        } finally {
          await pump.close();
        }
      }
    }
  } finally {
    await peer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`select over ${k} PULLs, 16 B ipc, native engine, ${rounds} rounds of ${n}:`);
  for (const [buffer, res] of [...results].sort((a, b) => b[0] - a[0])) {
    const wait = res.wait.length > 0 ? `${(median(res.wait) * 100).toFixed(0)}%` : "n/a";
    console.log(
      `  recv(${buffer}): ${(median(res.rate) / 1000).toFixed(0)}k msg/s, event-loop p99 ${median(res.p99).toFixed(1)} ms (runs: ` +
        `${res.p99.map((x) => x.toFixed(1)).join(", ")}); JS thread waiting for a core ${wait} ` +
        `of the run; longest stretch without a loop turn, per run (ms/messages taken in it): ` +
        res.hold.join(", "),
    );
  }
}

// The time this thread has spent runnable but not running, in ms (Linux), else undefined.
function runqueueMs(): number | undefined {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[1]) / 1e6;
  } catch {
    return undefined;
  }
}

// What a sending process pays, against libzmq's own PULL (bench/c/thr.c alone, in a child):
// the native pump's PUSH driven three ways, beside C's own PUSH (thr as a whole), tcp. A new
// Buffer per message is what the bench's rows send; C's sender reuses one buffer, so the last
// variant reuses 512 (more than `send` and one native batch hold, so none is overwritten before
// it went out). Medians over the rounds after a warm-up round, the variants interleaved.
async function senders(rounds: number, n: number, size: number): Promise<void> {
  const missing = nativeProblem();
  if (missing !== undefined) throw new Error(`senders needs the native engine: ${missing}`);
  const dir = mkdtempSync(join(tmpdir(), "sluice-probe-"));
  const bin = buildC(dir);
  if (typeof bin !== "string") throw new Error(`senders needs libzmq C: ${bin.skipped}`);
  const { Pump } = await import("@sluice/zmq-channels");
  const ring = Array.from({ length: 512 }, () => Buffer.alloc(size));
  type Send = (send: Channel<Buffer>, i: number) => Promise<unknown> | boolean;
  const variants: Array<[string, Send | undefined]> = [
    ["libzmq C PUSH (one buffer, reused)", undefined],
    ["native: await put, a new Buffer each", (send, i) => send.put(message(i, size))],
    ["native: offer first, a new Buffer each", (send, i) => offerFirst(send, message(i, size))],
    [
      "native: offer first, 512 Buffers reused",
      (send, i) => {
        const b = ring[i & 511]!;
        b.writeUInt32LE(i, 0);
        return offerFirst(send, b);
      },
    ],
  ];
  const rates = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  try {
    for (let r = 0; r <= rounds; r++) {
      for (const [name, send] of r % 2 === 0 ? variants : [...variants].reverse()) {
        let seconds: number;
        if (send === undefined) {
          seconds = (await runC(bin, "tcp://127.0.0.1:*", n, size, 60_000)).seconds;
        } else {
          // stdin at /dev/null: thr exits right after its result line (bench/c/thr.c)
          const pull = spawn(bin, ["tcp://127.0.0.1:*", String(n), String(size), "pull"], {
            stdio: ["ignore", "pipe", "inherit"],
          });
          const lines = createInterface({ input: pull.stdout });
          const got = new Promise<string[]>((resolve) => {
            const seen: string[] = [];
            lines.on("line", (l) => seen.push(l)).on("close", () => resolve(seen));
          });
          const endpoint = await new Promise<string>((resolve, reject) => {
            lines.once("line", (l) => resolve(l.replace("listening on ", "")));
            pull.once("exit", () => reject(new Error(`senders: thr ended before it bound`)));
          });
          const pump = new Pump({ engine: "native" });
          try {
            const sock = await pump.socket("push", {
              connect: endpoint,
              options: { linger: 5000 },
            });
            for (let i = 1; i <= n; i++) {
              const sent = send(sock.send as Channel<Buffer>, i);
              if (sent !== true) await sent;
            }
            const out = await bounded(got, 60_000, "senders: thr's result");
            seconds = (JSON.parse(out.at(-1)!) as { seconds: number }).seconds;
          } finally {
            await pump.close();
            pull.kill();
          }
        }
        if (r > 0) rates.get(name)!.push(n / seconds);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const c = median(rates.get(variants[0]![0])!);
  console.log(`senders into libzmq's PULL over tcp, ${size} B, ${rounds} rounds of ${n}:`);
  for (const [name] of variants) {
    const rate = median(rates.get(name)!);
    console.log(
      `  ${name.padEnd(42)} ${(rate / 1000).toFixed(0).padStart(5)}k msg/s  ${(rate / c).toFixed(2)}× C`,
    );
  }
}

// libzmq's C throughput on the two libzmq builds: the system's (the bench's "libzmq C" row) and
// the one inside zeromq.js's addon, which the native engine calls. thr.c both ways, over tcp,
// alternated round by round (the order reversed every other round); the median of each and of
// the paired ratios.
async function libzmqBuilds(rounds: number, n: number, size: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-probe-"));
  try {
    if (!cLibzmq().startsWith("the system's")) {
      throw new Error("libzmq-builds: needs the system's libzmq headers (libzmq3-dev)");
    }
    const system = buildC(dir);
    if (typeof system !== "string") throw new Error(`libzmq-builds: ${system.skipped}`);
    const addon = buildCOnAddon(dir);
    if (typeof addon !== "string") throw new Error(`libzmq-builds: ${addon.skipped}`);
    const runs: Array<[number, number]> = [];
    const one = async (onAddonBuild: boolean): Promise<number> => {
      const run = onAddonBuild
        ? await runC(addon, "tcp://127.0.0.1:*", n, size, 60_000)
        : await runC(system, "tcp://127.0.0.1:*", n, size, 60_000);
      if (run.sum !== triangle(n)) throw new Error("libzmq-builds: thr lost messages");
      return n / run.seconds;
    };
    for (let r = 0; r < rounds; r++) {
      let onSystem: number, onAddon: number;
      if (r % 2 === 0) {
        onSystem = await one(false);
        onAddon = await one(true);
      } else {
        onAddon = await one(true);
        onSystem = await one(false);
      }
      runs.push([onSystem, onAddon]);
    }
    const m = (xs: number[]) => (median(xs) / 1e6).toFixed(2);
    console.log(`libzmq C, PUSH→PULL ${size} B over tcp, ${rounds} paired rounds of ${n}:`);
    console.log(`  the system's libzmq                ${m(runs.map((x) => x[0]))}M msg/s`);
    console.log(`  zeromq.js's (the native engine's)  ${m(runs.map((x) => x[1]))}M msg/s`);
    console.log(
      `  zeromq.js's / the system's: median of paired ratios ` +
        `${median(runs.map(([a, b]) => b / a)).toFixed(2)}×`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A put that awaits only when `send` is full: a bulk producer's loop (zmq/bulk.ts).
function offerFirst(send: Channel<Buffer>, b: Buffer): Promise<boolean> | true {
  return send.offer(b) || send.put(b);
}

// One library's workload, reps times over n = 20 000, with no timing and no output: for
// counting instructions (see the usage above), not for timing.
// How long k socket() calls made together hold the event loop: k PULLs bound over ipc in one
// Promise.all, a 1 ms interval ticking meanwhile; the longest gap between its ticks, and the
// time until every socket was set up. Five rounds per engine, alternated; medians.
async function setupStall(k: number): Promise<void> {
  const { Pump } = await import("@sluice/zmq-channels");
  const engines =
    nativeProblem() === undefined ? (["native", "zeromq"] as const) : (["zeromq"] as const);
  const dir = mkdtempSync(join(tmpdir(), "sluice-probe-"));
  const gaps = new Map<string, number[]>(),
    totals = new Map<string, number[]>();
  try {
    for (let round = 0; round < 5; round++) {
      for (const engine of engines) {
        const pump = new Pump({ engine });
        let last = performance.now();
        let gap = 0;
        const tick = setInterval(() => {
          const now = performance.now();
          gap = Math.max(gap, now - last);
          last = now;
        }, 1);
        try {
          await new Promise((r) => setTimeout(r, 5));
          gap = 0;
          const t0 = performance.now();
          last = t0;
          await bounded(
            Promise.all(
              Array.from({ length: k }, (_, j) =>
                pump.socket("pull", { bind: `ipc://${join(dir, `${engine}-${round}-${j}`)}` }),
              ),
            ),
            30_000,
            "setup-stall",
          );
          const total = performance.now() - t0;
          await new Promise((r) => setTimeout(r, 5));
          (gaps.get(engine) ?? gaps.set(engine, []).get(engine)!).push(gap);
          (totals.get(engine) ?? totals.set(engine, []).get(engine)!).push(total);
        } finally {
          clearInterval(tick);
          await pump.close();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${k} socket() calls in one Promise.all (PULLs bound over ipc), 5 rounds:`);
  for (const engine of engines) {
    console.log(
      `  ${engine.padEnd(7)} loop held at most ${median(gaps.get(engine)!).toFixed(1)} ms ` +
        `(rounds ${gaps
          .get(engine)!
          .map((g) => g.toFixed(1))
          .join(", ")}), ` +
        `all set up in ${median(totals.get(engine)!).toFixed(1)} ms`,
    );
  }
}

// What a socket costs in memory: `pairs` PUSH/PULL pairs over inproc, one message through
// each, RSS after a gc against before the pump was made. Each engine in a fresh process of
// its own (a process's RSS does not shrink back), three processes per engine, the median.
async function socketMemory(pairs: number): Promise<void> {
  const engines = nativeProblem() === undefined ? ["native", "zeromq"] : ["zeromq"];
  for (const engine of engines) {
    const perPair: number[] = [];
    for (let round = 0; round < 3; round++) {
      const child = spawn(
        process.execPath,
        ["--expose-gc", __filename, "socket-memory-one", engine, String(pairs)],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((r) => child.on("close", r));
      if (code !== 0) throw new Error(`socket-memory: the ${engine} process exited ${code}`);
      perPair.push(Number(out.trim()));
    }
    console.log(
      `${engine}: ${(median(perPair) / 1024).toFixed(1)} KiB per PUSH/PULL pair over inproc ` +
        `(${pairs} pairs; rounds ${perPair.map((b) => (b / 1024).toFixed(1)).join(", ")})`,
    );
  }
}

async function socketMemoryOne(engine: "native" | "zeromq", pairs: number): Promise<void> {
  const { Pump } = await import("@sluice/zmq-channels");
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("socket-memory-one needs node --expose-gc");
  gc();
  const before = process.memoryUsage().rss;
  const pump = new Pump({ engine });
  try {
    const at = (j: number) => `inproc://socket-memory-${j}`;
    const indexes = Array.from({ length: pairs }, (_, j) => j);
    const pulls = await Promise.all(indexes.map((j) => pump.socket("pull", { bind: at(j) })));
    const pushes = await Promise.all(indexes.map((j) => pump.socket("push", { connect: at(j) })));
    for (const s of pushes) await s.send.put(message(1, 16));
    for (const s of pulls) {
      if ((await bounded(s.recv.take(), 10_000, "socket-memory: take")) === undefined) {
        throw new Error("socket-memory: recv closed");
      }
    }
    gc();
    console.log(String((process.memoryUsage().rss - before) / pairs));
  } finally {
    await pump.close();
  }
}

async function workload(lib: string, work: string, reps: number): Promise<void> {
  const n = 20_000;
  const l = libNamed(lib === "floor" ? "promise floor" : lib);
  const runs: Record<string, () => Promise<number>> = {
    ping: () => l.pingPong(n),
    spsc: () => l.spsc(n, 1024),
    select2: () => l.select!(n, 2),
    select16: () => l.select!(n, 16),
    select128: () => l.select!(n, 128),
    fanin: () => l.fanIn(n, 100),
  };
  const run = runs[work];
  if (run === undefined) throw new Error(usage);
  for (let i = 0; i < reps; i++) await run();
}

// The [rounds] [messages] [size] of senders, threads and libzmq-builds, each a positive integer
// (size at least 4, for the index each message carries); the messages' default may depend on
// the size.
function sized(
  [rounds, n, size]: Array<string | undefined>,
  defaultRounds: number,
  defaultSize: number,
  defaultN: (size: number) => number,
): [rounds: number, n: number, size: number] {
  const r = rounds === undefined ? defaultRounds : Number(rounds);
  const s = size === undefined ? defaultSize : Number(size);
  const m = n === undefined ? defaultN(s) : Number(n);
  if (![r, m, s].every((x) => Number.isInteger(x) && x > 0) || s < 4) throw new Error(usage);
  return [r, m, s];
}

async function main(): Promise<void> {
  const [probe, arg, arg2, arg3] = process.argv.slice(2);
  if (probe === "workload") {
    const reps = Number(arg3);
    if (arg === undefined || arg2 === undefined || !(Number.isInteger(reps) && reps > 0)) {
      throw new Error(usage);
    }
    return workload(arg, arg2, reps);
  }
  if (probe === "pushpull") {
    const rounds = arg === undefined ? 5 : Number(arg);
    const n = arg2 === undefined ? 200_000 : Number(arg2);
    if (!(Number.isInteger(rounds) && rounds > 0 && Number.isInteger(n) && n > 0)) {
      throw new Error(usage);
    }
    return pushPull(rounds, n);
  }
  if (probe === "receivers") {
    const rounds = arg === undefined ? 7 : Number(arg);
    const n = arg2 === undefined ? 200_000 : Number(arg2);
    if (!(Number.isInteger(rounds) && rounds > 0 && Number.isInteger(n) && n > 0)) {
      throw new Error(usage);
    }
    return receivers(rounds, n);
  }
  if (probe === "senders") {
    return senders(...sized([arg, arg2, arg3], 5, 1024, () => 1_000_000));
  }
  if (probe === "threads") {
    return threadsProbe(...sized([arg, arg2, arg3], 5, 16, (size) => (size > 256 ? 5e5 : 2e6)));
  }
  if (probe === "libzmq-builds") {
    return libzmqBuilds(...sized([arg, arg2, arg3], 9, 16, (size) => (size > 256 ? 6e5 : 2e6)));
  }
  if (probe === "rtt") {
    const rounds = arg === undefined ? 5 : Number(arg);
    const n = arg2 === undefined ? 5000 : Number(arg2);
    if (![rounds, n].every((x) => Number.isInteger(x) && x > 0)) throw new Error(usage);
    return rttProbe(rounds, n);
  }
  if (probe === "select-eld") {
    const rounds = arg === undefined ? 5 : Number(arg);
    const n = arg2 === undefined ? 500_000 : Number(arg2);
    if (!(Number.isInteger(rounds) && rounds > 0 && Number.isInteger(n) && n > 1)) {
      throw new Error(usage);
    }
    return selectEld(rounds, n);
  }
  if (probe === "setup-stall") {
    const k = arg === undefined ? 100 : Number(arg);
    if (!(Number.isInteger(k) && k > 0)) throw new Error(usage);
    return setupStall(k);
  }
  if (probe === "socket-memory" || probe === "socket-memory-one") {
    const pairs = Number((probe === "socket-memory" ? arg : arg2) ?? 500);
    if (!(Number.isInteger(pairs) && pairs > 0)) throw new Error(usage);
    if (probe === "socket-memory") return socketMemory(pairs);
    if (arg !== "native" && arg !== "zeromq") throw new Error(usage);
    return socketMemoryOne(arg, pairs);
  }
  if (probe === "select-passes") {
    const k = arg === undefined ? 2 : Number(arg);
    if (!(Number.isInteger(k) && k > 0)) throw new Error(usage);
    return selectPasses(k);
  }
  if (probe === "timeouts") {
    const rounds = arg === undefined ? 100_000 : Number(arg);
    if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error(usage);
    return timeouts(rounds);
  }
  if (probe === "idle-select") {
    const k = arg === undefined ? 100 : Number(arg);
    if (!(Number.isInteger(k) && k > 0)) throw new Error(usage);
    return idleSelect(k);
  }
  throw new Error(usage);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
