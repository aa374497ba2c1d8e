// The engine of a requester (requester.ts): its requests' tries over the socket's `send`, the
// reply reader, and the matching of replies to requests, over a DEALER (ids) or a REQ (one at
// a time).
//
// Invariants:
// - A pending request is in #byId under the id of every try it made, and nowhere once settled:
//   a reply reaches only the request whose try carried its id; any other reply is dropped.
// - A request settles once (#finish): by a reply, its last timeout, its signal, or a close.
// - One reader per requester takes everything from recv and waits on nothing else, so a reply
//   is matched in the microtask drain in which the pump hands it over, before any timer runs.
// - Over a REQ: at most one request is active; after one ends without its reply, the next goes
//   out a macrotask later, so a stale reply the pump was already handing over finds no active
//   request and is dropped (decision R3).
import type { Channel } from "@sluice/channels";
import type { Frame, Message } from "./frames";
import { release, TimeoutError } from "./reqrep";
import { checkRequest, newCall, putTry, settle, type Call } from "./request-call";
import type { RequestOptions } from "./requester-types";
import type { Sockets } from "./sockets";
import { TryQueue } from "./try-queue";

const EMPTY = Buffer.alloc(0);
const NO_ID = -1;
// Every requester of the process draws its ids from this one counter, so a requester made on a
// socket that an earlier one gave back never reuses an id whose late reply may still come
// (decisions R5).
let lastId = 0;

export class RequesterEngine {
  readonly #sockets: Sockets;
  readonly #tries: TryQueue; // the tries waiting for room in the socket's send
  readonly #overReq: boolean;
  readonly #timeout: number;
  readonly #retries: number;
  readonly #stop = new AbortController();
  #closed: Error | undefined;

  // over a dealer: every try's id → its request
  readonly #byId = new Map<number, Call>();

  // over a req: the request on the wire, and those waiting their turn, in call order
  #active: Call | undefined;
  #queue: Call[] = [];
  #queueSettled = 0; // calls in #queue settled before their turn (aborted, timed out, closed)
  #gap = false; // the next request waits for the macrotask after a request ended unanswered

  constructor(sockets: Sockets, overReq: boolean, timeout: number, retries: number) {
    this.#sockets = sockets;
    this.#tries = new TryQueue(
      sockets.send,
      () => new Error("request(): the socket's send is closed"),
    );
    this.#overReq = overReq;
    this.#timeout = timeout;
    this.#retries = retries;
    void readReplies(
      sockets.recv,
      this.#stop.signal,
      () => this.#closed !== undefined,
      (error) => this.#end(error, new Error("request(): the requester's socket is closed")),
      (message) => this.#deliver(message),
    );
  }

  request(message: Message, opts: RequestOptions = {}): Promise<Frame[]> {
    const { timeout, retries, signal } = checkRequest(message, opts, this.#timeout, this.#retries);
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Frame[]>((resolve, reject) => {
      const call = newCall(message, timeout, retries, signal, resolve, reject, (c) =>
        this.#finish(c, false, signal!.reason),
      );
      if (!this.#overReq) return this.#try(call);
      this.#queue.push(call);
      if (this.#active === undefined && !this.#gap) this.#next();
    });
  }

  close(): void {
    if (this.#closed !== undefined) return;
    this.#end(new Error("request(): the requester was closed"));
    this.#stop.abort();
    release(this.#sockets);
  }

  // -- tries ------------------------------------------------------------------------------------

  // Sends one try of `call` and arms its timeout.
  #try(call: Call): void {
    call.tries++;
    let frames: Message = call.body;
    if (!this.#overReq) {
      const id = this.#newId();
      call.ids.push(id);
      this.#byId.set(id, call);
      const envelope = Buffer.allocUnsafe(4);
      envelope.writeUInt32BE(id, 0);
      frames = [envelope, EMPTY, ...call.body];
    }
    // The timer first: a try refused at once settles the call, and settling clears it.
    if (call.timeout !== Infinity) call.timer = setTimeout(this.#expire, call.timeout, call);
    putTry(this.#tries, call, frames, (error) => this.#finish(call, false, error));
  }

  #expire = (call: Call): void => {
    call.timer = undefined;
    if (call.settled) return;
    if (call.triesLeft > 0) {
      call.triesLeft--;
      this.#try(call);
      return;
    }
    const tries = call.tries === 1 ? "1 try" : `each of ${call.tries} tries`;
    this.#finish(
      call,
      false,
      new TimeoutError(`request(): no reply within ${call.timeout} ms (${tries})`),
    );
  };

  #newId(): number {
    do lastId = (lastId + 1) >>> 0;
    while (lastId === 0 || this.#byId.has(lastId));
    return lastId;
  }

  // over a req: the next request in call order goes on the wire
  #next(): void {
    while (this.#active === undefined) {
      const call = this.#queue.shift();
      if (call === undefined) return;
      if (call.settled) {
        this.#queueSettled--;
        continue;
      }
      this.#active = call;
      this.#try(call);
    }
  }

  // -- settling ---------------------------------------------------------------------------------

  // The one place a request settles: state first, so what the promise wakes sees it settled.
  #finish(call: Call, answered: boolean, outcome: Frame[] | unknown): void {
    if (!settle(call)) return;
    for (const id of call.ids) this.#byId.delete(id);
    if (this.#overReq && this.#active === call) {
      this.#active = undefined;
      if (answered) this.#next();
      else if (!this.#gap) {
        this.#gap = true;
        setImmediate(() => {
          this.#gap = false;
          if (this.#closed === undefined) this.#next();
        });
      }
    } else if (this.#overReq && call.tries === 0) {
      // Settled while waiting its turn: swept once most of the queue is, so requests aborted
      // behind a slow one let go of their messages (API.md: "withdrawn at once").
      if (++this.#queueSettled > 32 && this.#queueSettled * 2 > this.#queue.length) {
        this.#queue = this.#queue.filter((c) => !c.settled);
        this.#queueSettled = 0;
      }
    }
    if (answered) call.resolve(outcome as Frame[]);
    else call.reject(outcome);
  }

  // Every pending request rejects with `error`; a later request() rejects with `later`.
  #end(error: Error, later = error): void {
    this.#closed = later;
    const pending = new Set<Call>([...this.#byId.values(), ...this.#queue]);
    if (this.#active !== undefined) pending.add(this.#active);
    this.#queue = [];
    for (const call of pending) this.#finish(call, false, error);
    this.#queueSettled = 0;
  }

  // -- the reader: readReplies() ----------------------------------------------------------------

  #deliver(message: Frame[]): void {
    if (this.#overReq) {
      // libzmq (correlate) passes only the reply to the latest try of the active request.
      if (this.#active !== undefined) this.#finish(this.#active, true, message);
      return;
    }
    const id = idOf(message);
    if (id === NO_ID) return; // not an envelope of ours: dropped
    const call = this.#byId.get(id);
    if (call !== undefined) this.#finish(call, true, message.slice(2));
  }
}

// The one reader of a requester: takes everything from recv until close() stops it (`stop`)
// or the socket closes (`end`), and hands each message to `deliver`.
async function readReplies(
  recv: Channel<Frame[]>,
  stop: AbortSignal,
  closed: () => boolean,
  end: (error: Error) => void,
  deliver: (message: Frame[]) => void,
): Promise<void> {
  for (;;) {
    let message = recv.poll();
    if (message === undefined) {
      try {
        message = await recv.take({ signal: stop });
      } catch {
        return; // close() stopped the reader
      }
      if (message === undefined) {
        end(new Error("request(): the socket closed before the reply came"));
        return;
      }
    }
    if (closed()) return;
    deliver(message);
  }
}

// The id of a reply [id (4 bytes), "", ...body], or NO_ID when it does not look like one.
function idOf(message: Frame[]): number {
  if (message.length < 2) return NO_ID;
  const [id, delimiter] = message as [Frame, Frame];
  if (id.length !== 4 || delimiter.length !== 0) return NO_ID;
  return id.readUInt32BE(0);
}
