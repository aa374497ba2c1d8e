// The setup gate: socket() calls made together (a broker opening 100 sockets in one
// Promise.all) must not hold the event loop for all their setups at once. Each setup creates a
// libzmq socket, sets its options and binds, synchronously: 0.1–0.4 ms apiece. As the lanes do
// with their turns (scheduler.ts), setups run in stretches of at most TURN_MS; the others wait
// for a later macrotask (setImmediate), so timers and I/O run between stretches.
//
// Invariants:
// - Setups start in the order socket() was called: a call that finds others waiting waits
//   behind them.
// - A stretch begins with its first setup and lets the next one start only while it has run
//   less than TURN_MS; the next stretch begins in a later macrotask.
// - Every setup that entered calls #started() once its synchronous part is over, whether it
//   succeeded or threw: that is what lets the next waiting one go.
import { TURN_MS } from "./tuning";

export class SetupGate {
  #since = -1; // when this stretch's first setup began; -1 between stretches
  #waiting: Array<() => void> = [];
  #armed = false; // a setImmediate will end this stretch (and start the next)

  /**
   * Runs `setup` in its turn: at once when this stretch has room and nobody waits, else once
   * its turn comes. Its synchronous part is what the stretch counts; what it returns (a
   * promise, for a setup that goes on asynchronously) is handed back as it is.
   */
  async run<T>(setup: () => T | Promise<T>): Promise<T> {
    const turn = this.#enter();
    if (turn !== undefined) await turn;
    let result: T | Promise<T>;
    try {
      result = setup(); // (not awaited: the next setup may start while this one binds)
    } finally {
      this.#started();
    }
    return result;
  }

  // undefined: set up now; else a promise that resolves when this setup's turn comes.
  #enter(): Promise<void> | undefined {
    if (this.#waiting.length === 0 && this.#open()) return undefined;
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      this.#arm();
    });
  }

  // A setup's synchronous part is over, or a stretch ended: the next waiting one may start
  // now if the stretch has room, else in the next stretch.
  #started(): void {
    if (this.#waiting.length > 0 && this.#open()) this.#waiting.shift()!();
  }

  // Whether this stretch may start one more setup (beginning a stretch when none runs).
  #open(): boolean {
    const now = performance.now();
    if (this.#since < 0) {
      this.#since = now;
      this.#arm();
      return true;
    }
    return now - this.#since < TURN_MS;
  }

  #arm(): void {
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(this.#next);
  }

  // The stretch is over (its macrotask and microtasks ran): the next waiting setup begins one.
  #next = (): void => {
    this.#armed = false;
    this.#since = -1;
    this.#started();
  };
}
