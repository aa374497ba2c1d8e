// What a requester is to its users: its options, and the two calls it offers (requester.ts).
import type { Frame, Message } from "./frames";

/** Milliseconds a try waits for its reply unless told otherwise (the guide's Lazy Pirate). */
export const DEFAULT_REQUEST_TIMEOUT = 2500;

/**
 * A requester's defaults, each overridable per request.
 * @example requester(dealer, { timeout: 1000, retries: 2 })
 */
export interface RequesterOptions {
  /** Milliseconds each try waits for its reply (default 2500; Infinity: no limit). */
  timeout?: number | undefined;
  /** Extra tries after the first times out (default 0). */
  retries?: number | undefined;
}

/**
 * One request's options: a signal that withdraws it, and the requester's defaults overridden.
 * @example client.request("ping", { signal: AbortSignal.timeout(100), retries: 0 })
 */
export interface RequestOptions extends RequesterOptions {
  /** Aborting withdraws the request at once; it rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

/**
 * Requests with their own replies over one socket, from any number of tasks (see requester()).
 * Both methods are closures: `const { request } = requester(dealer)` works.
 */
export interface Requester {
  /**
   * Sends `message` and resolves with its reply's frames (the body: no id, no delimiter).
   * Rejects with a TimeoutError after the last try, with `signal.reason` when aborted, and with
   * an Error when the requester or its socket closes first. A bad message or option throws a
   * TypeError at the call.
   */
  request(message: Message, opts?: RequestOptions): Promise<Frame[]>;
  /** Rejects every pending request with an Error and stops reading recv. The socket stays open. */
  close(): void;
}
