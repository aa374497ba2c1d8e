// One socket of the native engine (EngineSocket over a NativeHandle): it receives in batches
// (NativeReceived holds what the sink has not taken), sends in batches (small messages packed
// into one slab: native-packer.ts), waits through NativeWaits, delegates its control calls to
// NativeControl and its monitor to native-monitor.ts.
//
// Invariants:
// - Every native call is followed by the waits' afterOp(): what it found ready resolves the
//   waiter of that direction (native-waits.ts).
// - close() resolves both waiters; they see `closed` and give up.
import type { EngineSocket, SocketEvent, Sink, Source } from "../engine";
import { changedAfterPut, messageProblem, type Message } from "../frames";
import type { KindInfo } from "../kinds";
import { DEFAULT_LINGER } from "../tuning";
import {
  FIRST_FRAME_SLOTS,
  FRAME_SLOTS,
  META_COUNT,
  META_ERRNO,
  META_FRAMES,
  type NativeBinding,
  type NativeHandle,
  POLLIN,
  POLLOUT,
  TYPES,
} from "./native-addon";
import { InprocClaims } from "./inproc";
import { NativeControl } from "./native-control";
import { SendPacker } from "./native-packer";
import { startMonitor } from "./native-monitor";
import { NativeReceived } from "./native-received";
import { NativeWaits } from "./native-waits";

/** Messages one native receive may take (the lanes' SOCKET_BUDGET, so a batch fits a turn). */
const RECV_MESSAGES = 256;
/** A batch's slab stops growing after this many bytes: a frame's view keeps its whole slab
 * alive, so a slab must not be much bigger than what is worth retaining. */
const RECV_BYTES = 64 * 1024;
/** Messages one native send takes from the lane. */
const SEND_BATCH = 64;

const NONE: readonly Message[] = Object.freeze([]);

// The index of the first message in `batch` that is not one any more, or -1.
function firstMalformed(batch: readonly Message[]): number {
  for (let i = 0; i < batch.length; i++) if (messageProblem(batch[i]) !== undefined) return i;
  return -1;
}

/** One socket of the native engine. */
export class NativeSocket implements EngineSocket {
  readonly sendTimeout: number;
  readonly sendsWhileWaiting = false;
  readonly handle: NativeHandle;
  readonly #binding: NativeBinding;
  #meta: Float64Array; // a receiving kind's has a word per frame of a batch (it grows)
  readonly #received = new NativeReceived();
  readonly #waits: NativeWaits;
  readonly #control: NativeControl;
  // SUB and DISH filter in libzmq as they receive: a batch takes no more than recv has room
  // for, or messages held here would outlive an unsubscribe or leave (decisions P35).
  readonly #filters: boolean;
  readonly #inproc = new InprocClaims("native"); // what this socket binds and connects over inproc
  // Kinds with an envelope (server, radio, dish) send each message built whole, by reference.
  readonly #packer: SendPacker | undefined;
  #closed = false;
  #linger = DEFAULT_LINGER;

  constructor(binding: NativeBinding, info: KindInfo, sendTimeout: number) {
    this.#binding = binding;
    this.sendTimeout = sendTimeout;
    this.#filters = info.subscribes || info.joins === true;
    // A kind that never receives needs no frame words: the addon asks for two at least. A
    // receiving one starts with few and grows them as its batches need (#fitMeta).
    this.#meta = new Float64Array(META_FRAMES + (info.canRecv ? FIRST_FRAME_SLOTS : 2));
    this.#packer =
      info.canSend && info.framing?.envelope === undefined ? new SendPacker() : undefined;
    this.handle = new binding.Socket(TYPES[info.kind], this.#onReady, this.#meta);
    this.#waits = new NativeWaits(this.handle, this.#meta, () => this.#closed);
    const afterOp = (): void => this.#waits.afterOp();
    this.#control = new NativeControl(this.handle, info, afterOp, () => this.readLinger());
  }

  get closed(): boolean {
    return this.#closed;
  }

  get linger(): number {
    return this.#linger;
  }

  get lastEndpoint(): string | undefined {
    return this.#control.lastEndpoint;
  }

  /** Reads the linger back once the options are set (ZMQ_LINGER). */
  readLinger(): void {
    try {
      this.#linger = this.handle.getOption("Int32", 17) as number;
    } finally {
      this.#waits.afterOp(); // the read re-checks readiness too: what it found is reported
    }
  }

  // A wake-up from the poll: these directions became ready.
  #onReady = (bits: number): void => {
    this.#waits.fire(bits);
  };

  async receive(sink: Sink): Promise<boolean> {
    for (;;) {
      for (let m = this.#received.next(); m !== undefined; m = this.#received.next()) {
        if (!sink.deliver(m)) {
          this.#received.compact();
          return true;
        }
      }
      if (this.#closed) return false;
      const most = this.#filters ? Math.min(RECV_MESSAGES, sink.room()) : RECV_MESSAGES;
      const slab = this.handle.recv(most, RECV_BYTES);
      this.#waits.afterOp();
      if (slab === undefined) {
        if (!(await this.#waits.wait(POLLIN))) return false;
        continue;
      }
      this.#received.slice(slab, this.#meta);
      this.#fitMeta();
    }
  }

  // The addon's receive slots double when a batch fills them (all but 8: sluice.cc socketRecv)
  // and stop at the meta's frame words. Doubling the words once a batch fills half of them
  // keeps them a step ahead, so the slots alone set the batch; a quiet socket keeps a few.
  #fitMeta(): void {
    const meta = this.#meta;
    const words = meta.length - META_FRAMES;
    if (words >= FRAME_SLOTS || meta[META_COUNT]! <= words / 2 - 8) return;
    const grown = new Float64Array(META_FRAMES + Math.min(words * 2, FRAME_SLOTS));
    grown.set(meta.subarray(0, META_FRAMES)); // meta[FIRED] may hold what afterOp() has not taken
    this.handle.setMeta(grown);
    this.#meta = grown;
    this.#waits.meta = grown;
  }

  send(source: Source): readonly Message[] {
    const packer = this.#packer;
    let batch: Message[] = [];
    for (;;) {
      while (batch.length < SEND_BATCH) {
        const message = source.next();
        if (message === undefined) break;
        batch.push(message);
      }
      if (batch.length === 0) return NONE;
      const ended = batch.length < SEND_BATCH;
      // The small messages at the batch's start go packed; when the first is big, the whole
      // batch goes by reference.
      const packed = packer === undefined ? 0 : packer.pack(batch);
      // A message changed after its put (into something that is not one) is refused, never
      // sent cut or half: the addon sends what it is given frame by frame.
      const bad = packed > 0 ? -1 : packer?.malformed === true ? 0 : firstMalformed(batch);
      if (bad === 0) {
        source.failed(batch[0]!, changedAfterPut(batch[0]));
        batch = batch.slice(1);
        continue;
      }
      // (by reference, up to the malformed one: it comes first in the next round)
      const tried = packed > 0 ? packed : bad > 0 ? bad : batch.length;
      const sent =
        packed > 0
          ? this.handle.sendPacked(packer!.slab, packer!.layout, packed)
          : this.handle.send(bad > 0 ? batch.slice(0, bad) : batch);
      this.#waits.afterOp();
      for (let i = 0; i < sent; i++) source.sent(batch[i]!);
      if (sent > 0) this.#waits.sent();
      if (sent < tried) {
        const errno = this.#meta[META_ERRNO] ?? 0;
        if (errno === 0) return batch.slice(sent); // the first would block
        source.failed(batch[sent]!, this.#binding.error(errno));
        batch = batch.slice(sent + 1);
        continue;
      }
      if (tried < batch.length) {
        batch = batch.slice(tried); // what did not fit the slab, or was big
        continue;
      }
      if (ended) return NONE;
      batch = [];
    }
  }

  writable(pending: Message, ms: number): Promise<boolean> {
    return this.#waits.writable(pending, ms);
  }

  wake(): void {
    this.#waits.wake();
  }

  interrupt(): void {
    this.#waits.wake();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.handle.close();
    this.#inproc.dropAll();
    this.#waits.fire(POLLIN | POLLOUT); // the waiters see `closed` and give up
  }

  // -- control: NativeControl ------------------------------------------------------------------

  bind(address: string): Promise<string> {
    return this.#inproc.bind(address, () => this.#control.bind(address));
  }
  unbind(address: string): Promise<void> {
    return this.#inproc.unbind(address, () => this.#control.unbind(address));
  }
  connect(address: string, routingId?: string): void {
    this.#inproc.connect(address, () => this.#control.connect(address, routingId));
  }
  disconnect(address: string): void {
    this.#inproc.disconnect(address, () => this.#control.disconnect(address));
  }
  subscribe(topics: ReadonlyArray<string | Buffer>): void {
    this.#control.subscribe(topics);
  }
  unsubscribe(topics: ReadonlyArray<string | Buffer>): void {
    this.#control.unsubscribe(topics);
  }
  join(groups: ReadonlyArray<string | Buffer>): void {
    this.#control.join(groups);
  }
  leave(groups: ReadonlyArray<string | Buffer>): void {
    this.#control.leave(groups);
  }
  access(name: string): { read: boolean; write: boolean } | undefined {
    return this.#control.access(name);
  }
  get(name: string): unknown {
    return this.#control.get(name);
  }
  set(name: string, value: unknown): void {
    this.#control.set(name, value);
  }
  events(): AsyncIterable<SocketEvent> {
    try {
      return startMonitor(this.#binding, this.handle, () => this.#control.bound);
    } finally {
      this.#waits.afterOp();
    }
  }
}
