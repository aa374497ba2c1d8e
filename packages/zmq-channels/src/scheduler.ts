// The loop's turns: how much one socket may do before the others get a turn.
//
// Invariants:
// - One turn at a time: a lane that has spent its budget (SOCKET_BUDGET messages, or the
//   turn's TURN_BUDGET is gone, or the turn has run TURN_MS) waits for the next turn.
// - A turn starts from one setImmediate shared by every lane that yielded, so timers, I/O and
//   zeromq.js's release of zero-copy buffers run between turns.
// - Lanes resume in the order they yielded (round robin): a flood on one socket cannot starve
//   another.
import { TURN_BUDGET, TURN_MS } from "./tuning";

/** What a lane needs from the pump's loop. */
export interface Turns {
  /** Counts one message against the turn's budget; true when the turn is spent. */
  spend(): boolean;
  /** Resolves in the next turn of the loop, after the event loop has had its say. */
  turn(): Promise<void>;
}

export class Scheduler implements Turns {
  #waiting: Array<() => void> = [];
  #spent = 0;
  #since = -1; // when this turn's first message was handled
  #armed = false;
  #over = false; // this turn's budget or time is spent
  /** Turns the loop has run. */
  turns = 0;

  // The clock is read every 32 messages, not for each one. Once the turn is spent it stays
  // spent until the next turn: otherwise each lane woken later in the same turn would hand over
  // messages until the count reached the next multiple of 32, and with many sockets the turn
  // ran on to TURN_BUDGET whatever its time (decisions P53).
  spend(): boolean {
    if (this.#over) return true;
    const spent = ++this.#spent;
    if (spent >= TURN_BUDGET) return (this.#over = true);
    if ((spent & 31) !== 0) return false;
    const now = performance.now();
    if (this.#since < 0) this.#since = now;
    return (this.#over = now - this.#since >= TURN_MS);
  }

  turn(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      if (!this.#armed) {
        this.#armed = true;
        setImmediate(this.#run);
      }
    });
  }

  #run = (): void => {
    this.turns++;
    this.#armed = false;
    this.#spent = 0;
    this.#since = -1;
    this.#over = false;
    const ready = this.#waiting;
    this.#waiting = [];
    for (const resume of ready) resume();
  };
}
