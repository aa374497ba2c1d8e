// The ZeroMQ group: the pump against plain zeromq.js doing the same work in the same run.
// inproc runs both ends in this process; ipc and tcp put the sending (or echoing) end in a
// child process (peer.ts), forked once and killed at the end.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dealtCount } from "../channels/lib";
import { bounded, measure, median, quantile, triangle, type Case, type Mode } from "../measure";
import type { Group, Row } from "../report";
import { IN_FLIGHT } from "./inflight";
import { buildC, cLibzmq, LIBZMQ_C, runC } from "./libzmq-c";
import { nativeProblem } from "./native";
import { Peer, PUSH_PULL, VARIANTS, type Reply } from "./peer";
import { soloInChild, type SoloResult } from "./solo";
import { message, indexOf, type Closer, type Variant } from "./variant";
import { watched, watchedRuns, type Watched } from "./watch";

// The pump on each engine and plain zeromq.js run every workload; the native engine only when
// it was built (nativeProblem() says why not), and then it is the numerator of the ratios.
// PUSH→PULL also runs the fast-path loop with no channels (the ceiling for a pump on zeromq.js)
// and libzmq in C (the ceiling for any binding).
function order(nativeMissing: string | undefined): Variant[] {
  return [
    ...(nativeMissing === undefined ? [VARIANTS["sluice native"]] : []),
    VARIANTS["sluice on zeromq.js"],
    VARIANTS["plain zeromq.js"],
  ];
}
type Transport = "inproc" | "ipc" | "tcp";

class Endpoints {
  readonly dir = mkdtempSync(join(tmpdir(), "sluice-bench-"));
  #n = 0;
  next(t: Transport): string {
    const k = this.#n++;
    if (t === "inproc") return `inproc://sluice-bench-${process.pid}-${k}`;
    if (t === "ipc") return `ipc://${join(this.dir, `${k}.sock`)}`;
    return "tcp://127.0.0.1:*";
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function rows(workload: string, results: Awaited<ReturnType<typeof measure>>, w: Watched): Row[] {
  return results.map((r) => {
    const eld = w.eldP99Ms.get(r.lib) ?? [];
    const rss = w.peakRssMB.get(r.lib) ?? [];
    return {
      workload,
      lib: r.lib,
      value: r.median,
      unit: "/s",
      spread: [r.min, r.max] as [number, number],
      ok: r.ok,
      n: r.n,
      extra: {
        ...(eld.length ? { loopP99Ms: median(eld), loopP99MaxMs: Math.max(...eld) } : {}),
        ...(rss.length ? { peakRssMB: median(rss) } : {}),
      },
      ...(r.error ? { error: r.error } : {}),
    };
  });
}

/** closes the sending side once the receiver is done (in this process or in the peer) */
async function closeSender(peer: Peer, sent: Promise<Closer | Reply>): Promise<void> {
  const s = await sent;
  if ("close" in s) await s.close();
  else await peer.request({ op: "close", handle: s.handle! });
}

export async function runZmq(mode: Mode, log: (s: string) => void): Promise<Group[]> {
  const peer = Peer.start();
  const eps = new Endpoints();
  const limitMs = mode.name === "full" ? 60_000 : 20_000;
  try {
    const throughput: Row[] = [];
    const eldAll = new Map<string, number[]>();
    const nativeMissing = nativeProblem();
    if (nativeMissing !== undefined) log(`zmq: no "sluice native" rows: ${nativeMissing}`);
    const ORDER = order(nativeMissing);
    const SLUICE = ORDER[0]!.name;
    const c = buildC(eps.dir);
    if (typeof c !== "string") log(`zmq: no "${LIBZMQ_C}" rows: ${c.skipped}`);
    else log(`zmq: "${LIBZMQ_C}" rows: bench/c/thr.c on ${cLibzmq()}`);

    // ---- PUSH→PULL throughput; 64 KiB: frames the native engine lends, not copies (P56)
    for (const size of [16, 1024, 65536]) {
      const transports: Transport[] = size > 1024 ? ["inproc", "tcp"] : ["inproc", "ipc", "tcp"];
      for (const t of transports) {
        const name = `PUSH→PULL ${size} B ${t}`;
        log(`zmq: ${name} …`);
        const w = watchedRuns();
        const beside = [
          PUSH_PULL["zeromq.js fast path"],
          ...(nativeMissing === undefined ? [PUSH_PULL["sluice native, bulk loops"]] : []),
        ];
        const cases: Case[] = [...ORDER, ...beside].map((v) => ({
          lib: v.name,
          run: watched(w, v.name, async (n) => {
            const r = await v.pull(eps.next(t));
            const sent =
              t === "inproc"
                ? v.push(r.endpoint, n, size)
                : peer.request({ op: "push", variant: v.name, endpoint: r.endpoint, n, size });
            try {
              const tally = await bounded(r.receive(n), limitMs, name);
              return { checksum: tally.sum, expected: triangle(n), seconds: tally.seconds };
            } finally {
              await closeSender(peer, sent);
              await r.close();
            }
          }),
        }));
        if (typeof c === "string") {
          // its own process: its own time, checksum and peak RSS (no event loop to watch)
          cases.push({
            lib: LIBZMQ_C,
            run: async (n, measured) => {
              const r = await runC(c, eps.next(t), n, size, limitMs);
              if (measured)
                w.peakRssMB.set(LIBZMQ_C, [...(w.peakRssMB.get(LIBZMQ_C) ?? []), r.peakRssMB]);
              return { checksum: r.sum, expected: triangle(n), seconds: r.seconds };
            },
          });
        }
        const base = size > 1024 ? 4096 : 100_000; // calibration starts at base / 64 messages
        throughput.push(...rows(name, await measure(cases, base, mode, 2 ** 24), w));
        // the event-loop rows below aggregate the 16 B and 1 KiB runs (issue 18's workloads);
        // a 64 KiB row shows its own beside its rate
        if (size <= 1024) {
          for (const [k, v] of w.eldP99Ms) eldAll.set(k, [...(eldAll.get(k) ?? []), ...v]);
        }
      }
    }

    // ---- DEALER⇄ROUTER over tcp: one way (ROUTER → DEALER), then both ways at once
    for (const duplex of [false, true]) {
      const name = duplex
        ? "DEALER⇄ROUTER 16 B tcp, full duplex (each way)"
        : "ROUTER→DEALER 16 B tcp, one way";
      log(`zmq: ${name} …`);
      const w = watchedRuns();
      const cases: Case[] = ORDER.map((v) => ({
        lib: v.name,
        run: watched(w, v.name, async (n) => {
          const { endpoint, handle } = await peer.request({
            op: "router",
            variant: v.name,
            bind: eps.next("tcp"),
          });
          const d = await v.dealer(endpoint!);
          try {
            const t0 = process.hrtime.bigint();
            await d.hello();
            const there = peer.request({ op: "routerRun", handle: handle!, n, size: 16, duplex });
            const [got, , reply] = await bounded(
              Promise.all([d.receive(n), duplex ? d.send(n, 16) : Promise.resolve(), there]),
              limitMs,
              name,
            );
            const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
            // duplex: both directions must add up; the peer reports what it received
            const checksum = duplex ? got.sum + (reply.sum ?? 0) : got.sum;
            return { checksum, expected: (duplex ? 2 : 1) * triangle(n), seconds };
          } finally {
            await d.close();
            await peer.request({ op: "close", handle: handle! });
          }
        }),
      }));
      throughput.push(...rows(name, await measure(cases, 50_000, mode, 2 ** 24), w));
    }

    // ---- requests in flight over one DEALER: requester() against correlation by hand
    {
      const window = 64;
      const name = `requester round trips, ${window} in flight, 16 B tcp`;
      log(`zmq: ${name} …`);
      const w = watchedRuns();
      const cases: Case[] = ORDER.map((v) => ({
        lib: v.name,
        run: watched(w, v.name, async (n) => {
          const { endpoint, handle } = await peer.request({
            op: "echo",
            variant: v.name,
            kind: "router",
            bind: eps.next("tcp"),
          });
          const c = await IN_FLIGHT[v.name](endpoint!);
          try {
            const { sum, seconds } = await bounded(c.run(n, window), limitMs, name);
            return { checksum: sum, expected: triangle(n), seconds };
          } finally {
            await c.close();
            await peer.request({ op: "close", handle: handle! });
          }
        }),
      }));
      throughput.push(...rows(name, await measure(cases, 20_000, mode, 2 ** 22), w));
    }

    // ---- select over 100 PULL sockets, fed by 100 PUSH sockets in the peer over ipc
    {
      const k = 100;
      const name = `select over ${k} PULL sockets, 16 B ipc`;
      log(`zmq: ${name} …`);
      const w = watchedRuns();
      const cases: Case[] = ORDER.map((v) => ({
        lib: v.name,
        run: watched(w, v.name, async (n) => {
          const binds = Array.from({ length: k }, () => eps.next("ipc"));
          const many = await v.pulls(binds);
          try {
            const sent = peer.request({
              op: "pushes",
              variant: v.name,
              endpoints: many.endpoints,
              n,
              size: 16,
            });
            const counts = Array.from({ length: k }, (_, j) => dealtCount(j, k, n));
            try {
              const tally = await bounded(many.receive(n, counts), limitMs, name);
              return { checksum: tally.sum, expected: triangle(n), seconds: tally.seconds };
            } finally {
              await closeSender(peer, sent);
            }
          } finally {
            await many.close();
          }
        }),
      }));
      throughput.push(...rows(name, await measure(cases, 50_000, mode, 2 ** 24), w));
    }

    // ---- round-trip latency over tcp, blocks of round trips interleaved between variants
    const latency: Row[] = [];
    const trips = mode.name === "full" ? 10_000 : mode.name === "quick" ? 1_000 : 200;
    for (const kind of ["req", "dealer"] as const) {
      const server = kind === "req" ? "rep" : "router";
      const name = `${kind.toUpperCase()}→${server.toUpperCase()} round trip, 16 B tcp`;
      log(`zmq: ${name} …`);
      const samples = new Map<string, number[]>(ORDER.map((v) => [v.name, []]));
      const ok = new Map<string, boolean>(ORDER.map((v) => [v.name, true]));
      const errors = new Map<string, string>();
      const reps = Math.max(1, mode.reps);
      for (let rep = 0; rep < reps; rep++) {
        for (const v of rep % 2 === 0 ? ORDER : [...ORDER].reverse()) {
          const { endpoint, handle } = await peer.request({
            op: "echo",
            variant: v.name,
            kind: server,
            bind: eps.next("tcp"),
          });
          const c = await v.client(kind, endpoint!);
          try {
            const block = Math.ceil(trips / reps);
            const warm = Math.ceil(block / 10);
            // One watchdog for the block, not one per round trip: a timer, a race and a
            // `finally` per trip added microtask ticks between a reply and the next request,
            // which cost the pump's DEALER ~10% (its receive lane waits 3 ticks, P17).
            const trip = async (): Promise<number> => {
              let sum = 0;
              for (let i = 1; i <= warm + block; i++) {
                const t0 = process.hrtime.bigint();
                const reply = await c.roundTrip(message(i, 16));
                const us = Number(process.hrtime.bigint() - t0) / 1e3;
                if (i > warm) {
                  samples.get(v.name)!.push(us);
                  sum += indexOf(reply);
                }
              }
              return sum;
            };
            const sum = await bounded(trip(), limitMs, name);
            const expected = triangle(warm + block) - triangle(warm);
            if (sum !== expected)
              throw new Error(`${v.name}: checksum ${sum} != expected ${expected}`);
          } catch (e) {
            ok.set(v.name, false);
            errors.set(v.name, e instanceof Error ? e.message : String(e));
          } finally {
            await c.close();
            await peer.request({ op: "close", handle: handle! });
          }
        }
      }
      for (const v of ORDER) {
        const xs = samples.get(v.name)!;
        const err = errors.get(v.name);
        latency.push(
          {
            workload: `${name}: median`,
            lib: v.name,
            value: median(xs),
            unit: "µs",
            ok: ok.get(v.name)! && xs.length > 0,
            n: xs.length,
            ...(err ? { error: err } : {}),
          },
          {
            workload: `${name}: p99`,
            lib: v.name,
            value: quantile(xs, 0.99),
            unit: "µs",
            ok: ok.get(v.name)! && xs.length > 0,
            n: xs.length,
            ...(err ? { error: err } : {}),
          },
        );
      }
    }

    // ---- event loop and memory: the p99 over the PUSH→PULL runs above, and each
    // variant alone in a fresh process for its peak RSS
    log("zmq: peak RSS (one fresh process per variant) …");
    const resources: Row[] = [];
    for (const v of ORDER) {
      // PUSH→PULL runs only: the select run's figure is dominated by setting up and closing
      // 100 sockets at once, and is shown on its own row above
      const xs = eldAll.get(v.name) ?? [];
      resources.push(
        {
          workload: "event-loop p99 delay, median over PUSH→PULL runs (16 B, 1 KiB)",
          lib: v.name,
          value: median(xs),
          unit: "ms",
          ok: xs.length > 0,
          n: xs.length,
        },
        {
          workload: "event-loop p99 delay, worst PUSH→PULL run (16 B, 1 KiB)",
          lib: v.name,
          value: Math.max(...xs),
          unit: "ms",
          ok: xs.length > 0,
          n: xs.length,
        },
      );
    }
    const soloN = mode.name === "full" ? 500_000 : mode.name === "quick" ? 100_000 : 20_000;
    // A fresh process per run (peak RSS never goes down); full mode runs each variant three
    // times, interleaved, since one run per variant said little on this machine.
    const soloRuns = mode.name === "full" ? 3 : 1;
    const solos = new Map<string, SoloResult[]>(ORDER.map((v) => [v.name, []]));
    const soloErrors = new Map<string, string>();
    for (let run = 0; run < soloRuns; run++) {
      for (const v of run % 2 === 0 ? ORDER : [...ORDER].reverse()) {
        if (soloErrors.has(v.name)) continue;
        try {
          solos.get(v.name)!.push(await soloInChild(v.name, soloN));
        } catch (e) {
          soloErrors.set(v.name, e instanceof Error ? e.message : String(e));
        }
      }
    }
    for (const v of ORDER) {
      const runs = solos.get(v.name)!;
      const error = soloErrors.get(v.name);
      const ok = error === undefined && runs.every((s) => s.ok);
      // one row per figure: the median over the runs, their min–max, and one run's error
      const row = (workload: string, unit: string, xs: number[]): Row => ({
        workload,
        lib: v.name,
        value: error === undefined ? median(xs) : NaN,
        unit,
        spread: xs.length > 1 ? [Math.min(...xs), Math.max(...xs)] : undefined,
        ok,
        n: soloN,
        error,
      });
      resources.push(
        {
          ...row(
            `peak RSS, inproc PUSH→PULL 1 KiB × ${soloN} alone`,
            "MB",
            runs.map((s) => s.peakRssMB),
          ),
          extra: error === undefined ? { rate: median(runs.map((s) => s.rate)) } : undefined,
        },
        row(
          "event-loop p99 delay, inproc 1 KiB alone (the peak-RSS runs)",
          "ms",
          runs.map((s) => s.eldP99ms),
        ),
      );
    }
    for (const v of ORDER) {
      const one = throughput.find((r) => r.lib === v.name && r.workload.includes("one way"));
      const both = throughput.find((r) => r.lib === v.name && r.workload.includes("full duplex"));
      if (one && both) {
        // both directions together against one direction alone: a pump whose sends held up its
        // receives (or the reverse) would fall well below 1
        resources.push({
          workload: "full duplex, both ways together ÷ one way, 16 B tcp (higher is better)",
          lib: v.name,
          value: (2 * both.value) / one.value,
          unit: "×",
          ok: one.ok && both.ok,
        });
      }
    }
    resources.sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0));

    return [
      {
        title: "ZeroMQ: throughput (median msg/s; higher is better)",
        sluice: SLUICE,
        rows: throughput,
      },
      { title: "ZeroMQ: round-trip latency (µs; lower is better)", sluice: SLUICE, rows: latency },
      {
        title: "ZeroMQ: event loop, memory, duplex (lower is better unless said)",
        sluice: SLUICE,
        rows: resources,
      },
    ];
  } finally {
    await peer.stop();
    eps.cleanup();
  }
}
