// A native socket's monitor (events()): libzmq sends the socket's events to a PAIR of its own,
// bound at an inproc endpoint of the engine's context (native/sluice.cc, monitor()); a second
// PAIR, connected there, reads them in batches and decodes them (native-events.ts).
//
// Invariants:
// - The reader reads every event as soon as it comes, whatever the consumer does: libzmq's
//   monitor PAIR sends blocking from the I/O thread that reports the event, so an unread queue
//   at its high-water mark, or a monitor nobody connected to, would stall the whole context.
//   Hence the reader connects before the monitor starts (libzmq queues an inproc connect made
//   before the bind); an iterator that stopped early, or a message that could not be decoded
//   (the iterator then ends with that error), only makes it drop events.
// - The reader ends with `end` (MONITOR_STOPPED, sent when libzmq destroys the socket, after
//   its linger); then its PAIR closes. It holds the native context (acquire) until then, so
//   the context ends after it, never under it. A reader whose monitor did not start is
//   abandoned: its pending connect is taken over first, so nothing of it outlives the call.
import { randomUUID } from "node:crypto";
import type { SocketEvent } from "../engine";
import { META_FRAMES, type NativeBinding, type NativeHandle, POLLIN } from "./native-addon";
import { decodeEvent } from "./native-events";
import { NativeReceived } from "./native-received";
import { NativeWaits } from "./native-waits";

const PAIR = 0;
const LINGER = 17; // ZMQ_LINGER
/** Frame slots of one batch: a version-2 event is 5 frames. */
const SLOTS = 64;

/**
 * Starts `socket`'s monitor and returns its events, ending with `end`. `bound`: the endpoints
 * the socket bound so far (which side an event is on). Throws zeromq's error when the monitor
 * cannot start. `version` 1 is for tests: the fallback when libzmq lacks version 2.
 */
export function startMonitor(
  binding: NativeBinding,
  socket: NativeHandle,
  bound: () => Iterable<string>,
  version: 1 | 2 = 2,
): AsyncIterable<SocketEvent> {
  if (socket.closed) {
    throw Object.assign(new Error("zmq_socket_monitor: the socket is closed"), {
      code: "ENOTSOCK",
    });
  }
  const endpoint = `inproc://sluice-monitor.${randomUUID()}`;
  const reader = new MonitorReader(binding, endpoint, bound);
  try {
    reader.start(socket.monitor(endpoint, version) === 1 ? 1 : 2);
  } catch (e) {
    reader.abandon(endpoint);
    throw e;
  }
  return reader;
}

class MonitorReader implements AsyncIterable<SocketEvent> {
  readonly #binding: NativeBinding;
  readonly #bound: () => Iterable<string>;
  readonly #meta = new Float64Array(META_FRAMES + SLOTS);
  readonly #pair: NativeHandle;
  readonly #waits: NativeWaits;
  readonly #received = new NativeReceived();
  #closed = false;
  // What the consumer has not taken yet, and the consumer waiting for it.
  #queue: SocketEvent[] = [];
  #error: unknown;
  #ended = false;
  #stopped = false; // the consumer left: events are read and dropped
  #waiter: (() => void) | undefined;

  constructor(binding: NativeBinding, endpoint: string, bound: () => Iterable<string>) {
    this.#binding = binding;
    this.#bound = bound;
    this.#pair = new binding.Socket(PAIR, (bits) => this.#waits.fire(bits), this.#meta);
    this.#waits = new NativeWaits(this.#pair, this.#meta, () => this.#closed);
    binding.acquire();
    try {
      this.#pair.setOption("Int32", LINGER, 0);
      this.#pair.connect(endpoint);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The monitor runs: read its events until `end`. */
  start(version: 1 | 2): void {
    void this.#read(version);
  }

  async #read(version: 1 | 2): Promise<void> {
    const sources = {
      errorOf: (errno: number) => this.#binding.error(errno),
      namesOf: (fd: number) => this.#binding.names(fd),
      bound: this.#bound,
    };
    while (!this.#closed) {
      let slab: Buffer | Buffer[] | undefined;
      try {
        slab = this.#pair.recv(SLOTS, 64 * 1024);
      } catch (e) {
        this.#fail(e); // the reader's own PAIR failed: nothing more can be read
        this.close();
        return;
      }
      this.#waits.afterOp();
      if (slab === undefined) {
        await this.#waits.wait(POLLIN);
        continue;
      }
      this.#received.slice(slab, this.#meta);
      for (let m = this.#received.next(); m !== undefined; m = this.#received.next()) {
        let event: SocketEvent;
        try {
          event = decodeEvent(version, m, sources);
        } catch (e) {
          this.#fail(e); // reading goes on (see the invariants), the events are dropped
          continue;
        }
        if (!this.#stopped) this.#queue.push(event);
        if (event.type === "end") this.close();
      }
      this.#wake();
    }
  }

  // The iterator ends with `error` once it has given what was queued before it.
  #fail(error: unknown): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    this.#stopped = true;
    this.#wake();
  }

  /**
   * The monitor did not start: closes the reader. Its connect is still pending in the context
   * (nobody bound the endpoint), which would keep the closed PAIR, and its descriptor, until
   * the context ends; a PAIR bound there for a moment takes the connection over and lets both go.
   */
  abandon(endpoint: string): void {
    const taker = new this.#binding.Socket(PAIR, () => {}, new Float64Array(META_FRAMES + 8));
    try {
      taker.setOption("Int32", LINGER, 0);
      taker.bind(endpoint);
    } catch {
      // Nothing bound: the pending connect stays until the context ends (a descriptor, no more).
    } finally {
      taker.close();
      this.close();
    }
  }

  /** Closes the reader's PAIR and releases the context (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ended = true;
    this.#pair.close();
    this.#waits.fire(POLLIN);
    this.#binding.release();
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    return {
      next: async (): Promise<IteratorResult<SocketEvent>> => {
        for (;;) {
          const event = this.#queue.shift();
          if (event !== undefined) return { value: event, done: false };
          if (this.#error !== undefined) throw this.#error;
          if (this.#ended) return { value: undefined, done: true };
          await new Promise<void>((resolve) => (this.#waiter = resolve));
        }
      },
      return: (): Promise<IteratorResult<SocketEvent>> => {
        this.#stopped = true;
        this.#queue = [];
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
