// pipeline roles: the guide's taskvent, taskwork and tasksink, one role per process, on the
// guide's wire format, so each runs against the guide's own programs in any language
// (`node dist/pipeline.js --ventilator …`, `--worker …`, `--sink …`: see pipeline.ts).
//
//   ventilator --PUSH "0"----------------------------------> sink (the batch starts)
//              --PUSH "37" (a workload, ms)--> worker --PUSH ""--> sink (one result per task)
import { timeout } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { onAbort, type Role } from "./cli";

export interface VentilatorResult {
  /** Each workload sent, in order, when --tasks bounds the run (else empty). */
  workloads: number[];
  /** How many workloads were sent, and their sum in ms ("Total expected cost"). */
  sent: number;
  expectedMs: number;
}

export interface WorkerResult {
  /** Each workload done, as it arrived, when --tasks bounds the run (else empty). */
  workloads: string[];
  /** How many tasks this worker did. */
  done: number;
}

export interface SinkResult {
  /** The message that started the batch (the guide's ventilator sends "0"); none if stopped first. */
  start: string | undefined;
  /** Each result, as text, when --tasks bounds the run (else empty); the guide's are empty. */
  results: string[];
  /** How many results arrived, and the ms from the batch start to the last one. */
  received: number;
  elapsedMs: number;
}

/**
 * taskvent: bind where workers connect, connect to the sink, wait until the workers are ready
 * (Enter, as in the guide, unless `ready` is given), send the sink "0", then the workloads.
 */
export async function ventilator(
  endpoint: string,
  sinkEndpoint: string,
  maxMs: number,
  ready: Promise<unknown> | undefined,
  { count, signal, say }: Role,
): Promise<VentilatorResult> {
  const pump = new Pump();
  const sender = await pump.socket("push", { bind: endpoint });
  const sink = await pump.socket("push", { connect: sinkEndpoint });
  const forget = onAbort(signal, () => void pump.close());
  say(`listening on ${sender.endpoints[0]}`); // the port that tcp://127.0.0.1:* picked

  // PUSH deals tasks round-robin to the workers connected at the time: a worker that
  // connects late gets none of what went before, so wait until they all have.
  if (ready === undefined) say("Press Enter when the workers are ready: ");
  await whenReady(ready, signal);
  say("Sending tasks to workers...");

  const workloads: number[] = [];
  let sent = 0;
  let expectedMs = 0;
  if (await sink.send.put("0")) {
    // "0" tells the sink that the batch starts
    while (count === undefined || sent < count) {
      const workload = Math.floor(Math.random() * maxMs) + 1; // 1..maxMs
      if (!(await sender.send.put(String(workload)))) break; // false: the pump closed
      sent++;
      expectedMs += workload;
      if (count !== undefined) workloads.push(workload);
    }
  }
  say(`Total expected cost: ${expectedMs} msec`);

  forget();
  await pump.close(); // what was put still goes out, within the linger
  return { workloads, sent, expectedMs };
}

/** taskwork: take a workload, "work" that many ms, push an empty result to the sink. */
export async function worker(
  endpoint: string,
  sinkEndpoint: string,
  { count, signal, write }: Role,
): Promise<WorkerResult> {
  const pump = new Pump();
  const receiver = await pump.socket("pull", { connect: endpoint });
  const sender = await pump.socket("push", { connect: sinkEndpoint });
  const forget = onAbort(signal, () => void pump.close());

  const workloads: string[] = [];
  let done = 0;
  while (count === undefined || done < count) {
    const message = await receiver.recv.take();
    if (message === undefined) break; // the pump closed
    const workload = message[0]!.toString();
    write(`${workload}.`); // show progress, as the guide does
    const ms = Number.parseInt(workload, 10); // C's atoi: what is not a number is no work
    await timeout(ms > 0 ? ms : 0).take();
    if (!(await sender.send.put(""))) break;
    done++;
    if (count !== undefined) workloads.push(workload);
  }
  write("\n");

  forget();
  await pump.close();
  return { workloads, done };
}

/** tasksink: bind, wait for the batch to start, then collect the results. */
export async function sink(
  endpoint: string,
  { count, signal, say, write }: Role,
): Promise<SinkResult> {
  const pump = new Pump();
  const receiver = await pump.socket("pull", { bind: endpoint });
  const forget = onAbort(signal, () => void pump.close());
  say(`listening on ${receiver.endpoints[0]}`);

  const start = (await receiver.recv.take())?.[0]?.toString();
  const began = performance.now();
  const results: string[] = [];
  let received = 0;
  while (start !== undefined && (count === undefined || received < count)) {
    const message = await receiver.recv.take();
    if (message === undefined) break;
    write(received % 10 === 0 ? ":" : "."); // show progress, as the guide does
    received++;
    if (count !== undefined) results.push(message[0]!.toString());
  }
  const elapsedMs = Math.round(performance.now() - began);
  write("\n");
  say(`Total elapsed time: ${elapsedMs} msec`);

  forget();
  await pump.close();
  return { start, results, received, elapsedMs };
}

// Resolves when `ready` does (by default: at the first line on stdin, that is Enter, or at its
// end when there is nothing to read), or when `signal` aborts.
function whenReady(ready: Promise<unknown> | undefined, signal: AbortSignal | undefined) {
  return new Promise<void>((resolve) => {
    const enter = ready ? undefined : createInterface({ input: process.stdin, terminal: false });
    let forget = () => {};
    const done = () => {
      forget();
      enter?.close(); // and stdin is paused: it holds the process no longer
      resolve();
    };
    if (enter) enter.once("line", done).once("close", done);
    else void ready!.then(done, done);
    forget = onAbort(signal, done);
  });
}
