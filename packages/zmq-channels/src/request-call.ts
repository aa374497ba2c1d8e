// One request of a requester, from the call to its settlement: its tries, its timer, the put
// of a try still waiting for room in `send`, and its signal; its arguments, checked at the call.
//
// Invariants:
// - settle() runs once per call: after it no timer, no put and no abort listener is left.
// - At most one try's put waits in `send`: a new try withdraws the one before.
import type { Channel } from "@sluice/channels";
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

export interface Call {
  readonly body: Part[];
  readonly timeout: number;
  triesLeft: number;
  tries: number;
  ids: number[];
  timer: NodeJS.Timeout | undefined;
  // The try's put while it waits for room in `send` (withdrawn on abort or by the next try).
  put: AbortController | undefined;
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
    put: undefined,
    signal,
    onAbort: () => aborted(call),
    resolve,
    reject,
    settled: false,
  };
  signal?.addEventListener("abort", call.onAbort, { once: true });
  return call;
}

/** Puts one try's frames on `send`; `closed` runs if `send` was closed. */
export function putTry(
  send: Channel<Message>,
  call: Call,
  frames: Message,
  closed: () => void,
): void {
  // A previous try still waiting for room in send is pointless now: withdraw it.
  call.put?.abort();
  call.put = undefined;
  if (send.offer(frames)) return;
  const put = new AbortController();
  call.put = put;
  send.put(frames, { signal: put.signal }).then(
    (accepted) => {
      if (call.put === put) call.put = undefined;
      if (!accepted) closed();
    },
    () => {}, // withdrawn
  );
}

/** Marks the call settled and clears what it holds; false when it already was. */
export function settle(call: Call): boolean {
  if (call.settled) return false;
  call.settled = true;
  if (call.timer !== undefined) clearTimeout(call.timer);
  call.timer = undefined;
  call.put?.abort();
  call.put = undefined;
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
