// REQ/REP alternation: libzmq's REQ must send, then receive, then send…; a REP receives
// first. A message sent or received out of its turn is an EFSM error from libzmq, so each lane
// of a REQ or REP waits for its turn here before it touches the socket.
//
// Invariants:
// - It is always exactly one side's turn; pass() is the only way the turn changes.
// - At most one waiter per side (one lane each), woken by pass() to its side or by wake().
import type { Alternation } from "./kinds";

export type Side = "send" | "recv";

export class Lockstep {
  #turn: Side;
  /** Whether sending waits for the reply (false for a REQ with `relaxed`: only receiving does). */
  readonly sendWaits: boolean;
  readonly #waiters: { send?: () => void; recv?: () => void } = {};

  constructor(alternation: Exclude<Alternation, "none">, sendWaits: boolean) {
    this.#turn = alternation === "receiveFirst" ? "recv" : "send";
    this.sendWaits = sendWaits;
  }

  get turn(): Side {
    return this.#turn;
  }

  /** Resolves once it is `side`'s turn, or when wake(side) is called; undefined if it already is. */
  wait(side: Side): Promise<void> | undefined {
    if (this.#turn === side) return undefined;
    return new Promise<void>((resolve) => (this.#waiters[side] = resolve));
  }

  /** Gives the turn to `to` and wakes its lane. */
  pass(to: Side): void {
    this.#turn = to;
    this.wake(to);
  }

  /** Wakes `side`'s waiting lane without giving it the turn (the socket is closing). */
  wake(side: Side): void {
    const waiter = this.#waiters[side];
    this.#waiters[side] = undefined;
    waiter?.();
  }
}
