// The tries of a requester that wait for room in its socket's `send`, in the order they were
// made. A channel holds at most MAX_PENDING waiting puts (decisions C1), and a requester's
// callers may have any number of requests waiting for a peer that is not there yet, so only
// the oldest waiting try puts on `send`; the others wait here, each with its own timeout.
//
// Invariants:
// - #waiting holds the tries not yet accepted by `send`, oldest first; a withdrawn one has let
//   go of its frames and is skipped (and swept once most of #waiting is withdrawn).
// - At most one put on `send` at a time, that of #waiting's first live try (#putting).
// - A try that is not withdrawn ends once: accepted by `send`, or `failed` (send closed, or
//   its put refused).
import type { Channel } from "@sluice/channels";
import type { Message } from "./frames";

/** One try's place in the queue; withdraw() takes it out (its frames are let go at once). */
export class QueuedTry {
  constructor(
    readonly queue: TryQueue,
    public frames: Message | undefined, // undefined once sent, failed or withdrawn
    readonly failed: (error: unknown) => void,
  ) {}
  withdraw(): void {
    if (this.frames === undefined) return;
    this.frames = undefined;
    this.queue.withdrawn(this);
  }
}

export class TryQueue {
  readonly #send: Channel<Message>;
  readonly #closedError: () => Error;
  #waiting: QueuedTry[] = [];
  #head = 0; // #waiting[#head] is the oldest entry still held
  #withdrawn = 0; // withdrawn entries still in #waiting
  #putting: { entry: QueuedTry; abort: AbortController } | undefined;

  constructor(send: Channel<Message>, closedError: () => Error) {
    this.#send = send;
    this.#closedError = closedError;
  }

  /** Sends `frames` once `send` has room and every earlier try went; undefined if it went now. */
  add(frames: Message, failed: (error: unknown) => void): QueuedTry | undefined {
    if (this.#head === this.#waiting.length) {
      try {
        if (this.#send.offer(frames)) return undefined;
      } catch (error) {
        failed(error); // (refused at the channel: this try ends, as when its put is refused)
        return undefined;
      }
    }
    const entry = new QueuedTry(this, frames, failed);
    this.#waiting.push(entry);
    if (this.#putting === undefined) this.#putNext();
    return entry;
  }

  withdrawn(entry: QueuedTry): void {
    if (this.#putting?.entry === entry) {
      this.#putting.abort.abort(); // its put is withdrawn from send; the next one's starts
      this.#putting = undefined;
      this.#putNext();
      return;
    }
    // Swept when most of what waits is withdrawn, so a caller that aborts request after
    // request while the rest wait holds no more than twice what is live.
    if (++this.#withdrawn > 32 && this.#withdrawn * 2 > this.#waiting.length - this.#head) {
      this.#waiting = this.#waiting.slice(this.#head).filter((e) => e.frames !== undefined);
      this.#head = 0;
      this.#withdrawn = 0;
    }
  }

  // Puts the oldest live try on `send`: it waits there for room, the others behind it here.
  #putNext(): void {
    let entry: QueuedTry | undefined;
    while (this.#head < this.#waiting.length) {
      const next = this.#waiting[this.#head++]!;
      if (next.frames !== undefined) {
        entry = next;
        break;
      }
      this.#withdrawn--;
    }
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    }
    if (entry === undefined) return;
    const frames = entry.frames!;
    const abort = new AbortController();
    const putting = { entry, abort };
    this.#putting = putting;
    let put: Promise<boolean>;
    try {
      put = this.#send.put(frames, { signal: abort.signal });
    } catch (error) {
      put = Promise.reject(error); // (a synchronous refusal ends this try like any other)
    }
    put.then(
      (accepted) => this.#ended(putting, accepted ? undefined : this.#closedError()),
      (error: unknown) => {
        if (!abort.signal.aborted) this.#ended(putting, error);
      },
    );
  }

  #ended(putting: { entry: QueuedTry }, error: unknown): void {
    if (this.#putting !== putting) return; // withdrawn meanwhile
    this.#putting = undefined;
    const entry = putting.entry;
    entry.frames = undefined;
    this.#putNext(); // first: `failed` may add tries, which must queue behind the next put
    if (error !== undefined) entry.failed(error);
  }
}
