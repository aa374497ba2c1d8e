// PumpError: a socket failure as a value on `pump.errors` (socket failures are
// values on a channel, never unhandled rejections).
import type { Message } from "./frames";
import type { Kind } from "./kinds";

/** What a PumpError is made of (the fields of the same names, and the underlying error). */
export interface PumpErrorInit {
  /** zeromq's error code. */
  code: string;
  /** The socket's kind. */
  kind: Kind;
  /** The socket's endpoints. */
  endpoints: readonly string[];
  /** The message that did not go out, if the failure was a send. */
  unsent?: Message | undefined;
  /** The zeromq.js error behind it, if any (becomes `error.cause`). */
  cause?: unknown | undefined;
}

/**
 * A socket failure reported on `pump.errors` [no core.async counterpart; Go: an error value].
 * Carries zeromq's `code` (e.g. `EHOSTUNREACH`), the socket's `kind` and `endpoints`, and
 * `unsent`: the message that did not go out (`undefined` when the failure was not a send).
 * @example
 * for await (const e of pump.errors) console.warn(e.code, e.kind, e.endpoints, e.unsent);
 */
export class PumpError extends Error {
  /** Always `"PumpError"`. */
  override readonly name = "PumpError";
  /** zeromq's error code, e.g. `EHOSTUNREACH`; `EAGAIN` for a message not handed over before close. */
  readonly code: string;
  /** The kind of the socket that failed, e.g. `"router"`. */
  readonly kind: Kind;
  /** The endpoints that socket was bound or connected to. */
  readonly endpoints: readonly string[];
  /** The message that did not go out; `undefined` when the failure was not a send. */
  readonly unsent: Message | undefined;

  constructor(message: string, init: PumpErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.kind = init.kind;
    this.endpoints = init.endpoints;
    this.unsent = init.unsent;
  }
}

/** zeromq.js errors carry `code`; anything else is reported as EUNKNOWN. */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "EUNKNOWN";
}

/**
 * What an engine's error says, in the same words on both engines: the native engine's
 * messages start with the libzmq function that failed ("zmq_bind: …"), zeromq.js's do not.
 */
export function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^zmq_\w+: /, "");
}
