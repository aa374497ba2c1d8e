// The pump's tunables, each chosen where it is explained (docs/zmq.md, decisions P1–P19).

/** Linger (ms) given to a socket whose user set none: close never waits forever (P4). */
export const DEFAULT_LINGER = 1000;

/** Buffer of the `send` and `recv` channels the pump creates (P3). */
export const DEFAULT_CHANNEL_BUFFER = 128;

/** Messages one direction of one socket handles before yielding the turn (~512 is where
 * zeromq.js itself would yield; the pump yields first so it controls fairness). */
export const SOCKET_BUDGET = 256;

/** Messages all sockets together handle before the turn ends (event-loop delay bound): the
 * consumers take what a turn handed over before the loop comes round again, so this bounds
 * their stretch too (P53). */
export const TURN_BUDGET = 1024;

/** A turn ends after this many milliseconds, whatever its budget (event-loop delay bound). */
export const TURN_MS = 4;

/** Capacity of `pump.errors`; what would overflow is counted in `pump.droppedErrors`. */
export const ERRORS_BUFFER = 1024;

/** Back-off for retrying a blocked send on a socket that also receives (P2), in ms. */
export const RETRY_DELAYS: readonly number[] = [0, 0, 1, 1, 2, 4, 8, 16, 32];

/** A receive that resolves within this many ms found its message already queued (P16). */
export const QUICK_MS = 0.05;

/** Messages found queued in a row that switch a trickling receive back to flooding (P16).
 * A fast peer can answer a round trip within QUICK_MS, so a loop of round trips may switch
 * and pay one failed try per FLOOD_AFTER + 1 messages: 16 keeps that under 1 µs per
 * message, while a real flood goes back to flooding after 16 messages. */
export const FLOOD_AFTER = 16;

/** A flooding send lane waits a turn for its producer only after a batch smaller than this:
 * a bigger one shows the producer keeps up without it (P45). */
export const SMALL_BATCH = 16;

/** Microtask ticks a trickling receive waits before it asks zeromq to wait again: enough
 * for a consumer's continuation to take the message and put a reply (P17). */
export const LET_GO_FIRST = 3;

/** A parked send on a send-only socket wakes this often to notice a close (ms). */
export const PARK_RECHECK = 250;

/** A parked send of a transmission that has a signal wakes this often, so that an abort
 * withdraws it soon (P22). */
export const ABORT_RECHECK = 10;

/** A registered socket's receive that finds zeromq.js busy (a receive or bind of the user's
 * own still pending) tries again after this many ms (P70). */
export const BUSY_RETRY = 10;
