// One request of a requester, from the call to its settlement: its tries, its timer, the try
// still waiting for room in `send` (try-queue.ts), and its signal; its arguments, checked at
// the call.
//
// Invariants:
// - settle() runs once per call: after it no timer, no waiting try and no abort listener is left.
// - At most one try of a call waits for room in `send`: a new try withdraws the one before.
import {
  checkOpts,
  describeValue,
  messageProblem,
  type Frame,
  type Message,
  type Part,
} from "./frames";
import { checkCount, checkTimeout } from "./reqrep";
import type { RequestOptions } from "./requester-types";
import type { QueuedTry, TryQueue } from "./try-queue";

export interface Call {
  readonly body: Part[];
  readonly timeout: number;
  triesLeft: number;
  tries: number;
  ids: number[];
  timer: NodeJS.Timeout | undefined;
  // The try while it waits for room in `send` (withdrawn on abort or by the next try).
  queued: QueuedTry | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
  readonly resolve: (frames: Frame[]) => void;
  readonly reject: (reason: unknown) => void;
  settled: boolean;
}

/** A call for `message`; `aborted` runs when its signal fires. */
export function newCall(
  message: Message,
  timeout: number,
  retries: number,
  signal: AbortSignal | undefined,
  resolve: (frames: Frame[]) => void,
  reject: (reason: unknown) => void,
  aborted: (call: Call) => void,
): Call {
  const call: Call = {
    body: Array.isArray(message) ? [...message] : [message], // resent as it was at the call
    timeout,
    triesLeft: retries,
    tries: 0,
    ids: [],
    timer: undefined,
    queued: undefined,
    signal,
    onAbort: () => aborted(call),
    resolve,
    reject,
    settled: false,
  };
  signal?.addEventListener("abort", call.onAbort, { once: true });
  return call;
}

/** Puts one try's frames on `send`, behind the tries waiting there; `failed` runs if it cannot. */
export function putTry(
  tries: TryQueue,
  call: Call,
  frames: Message,
  failed: (error: unknown) => void,
): void {
  // A previous try still waiting for room in send is pointless now: withdraw it.
  call.queued?.withdraw();
  call.queued = tries.add(frames, failed);
}

/** Marks the call settled and clears what it holds; false when it already was. */
export function settle(call: Call): boolean {
  if (call.settled) return false;
  call.settled = true;
  if (call.timer !== undefined) clearTimeout(call.timer);
  call.timer = undefined;
  call.queued?.withdraw();
  call.queued = undefined;
  call.signal?.removeEventListener("abort", call.onAbort);
  return true;
}

// A request's arguments, checked at the call; the requester's defaults fill what is not given.
export function checkRequest(
  message: Message,
  opts: RequestOptions,
  defaultTimeout: number,
  defaultRetries: number,
): { timeout: number; retries: number; signal: AbortSignal | undefined } {
  const who = "request()";
  const problem = messageProblem(message);
  if (problem !== undefined) throw new TypeError(`${who}: ${problem}`);
  checkOpts(who, opts, ["signal", "timeout", "retries"]);
  const timeout = checkTimeout(who, opts.timeout) ?? defaultTimeout;
  const retries = checkCount(who, "retries", opts.retries, 0) ?? defaultRetries;
  const signal = opts.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${who}: signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  return { timeout, retries, signal };
}
