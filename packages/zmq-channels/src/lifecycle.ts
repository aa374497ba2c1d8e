// A socket bridge's lifecycle, and what its lanes see of it.
//
// States only advance: Open < Draining < Forced < Closing < Closed. Each transition says which
// state it advances to and is a no-op past it, so closing is idempotent by construction.
// - Open: both lanes run.
// - Draining: `send` is closed; what was put on it is still handed over, for at most the linger.
// - Forced: the linger passed; whatever has not been handed over is reported on `errors`.
// - Closing: the send lane is done; the socket is being closed.
// - Closed: the socket is closed; `closed` has settled.
import type { EngineSocket } from "./engine";
import type { PumpError } from "./errors";
import type { Message } from "./frames";
import type { KindInfo } from "./kinds";
import type { Lockstep } from "./lockstep";
import type { Turns } from "./scheduler";

export const Open = 0;
export const Draining = 1;
export const Forced = 2;
export const Closing = 3;
export const Closed = 4;
export type State = typeof Open | typeof Draining | typeof Forced | typeof Closing | typeof Closed;

/** What a lane needs of its bridge. */
export interface LaneHost {
  readonly state: State;
  readonly info: KindInfo;
  readonly engine: EngineSocket;
  /** What the socket is bound and connected to now (the bridge's `endpoints`). */
  readonly endpoints: readonly string[];
  readonly turns: Turns;
  /** REQ and REP only. */
  readonly lockstep: Lockstep | undefined;
  /** A PumpError about this socket. */
  error(code: string, what: string, unsent: Message | undefined, cause?: unknown): PumpError;
  /** Reports a PumpError about this socket on the pump's `errors`. */
  fail(code: string, what: string, unsent: Message | undefined, cause?: unknown): void;
}
