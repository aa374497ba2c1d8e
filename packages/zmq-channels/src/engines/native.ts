// The native engine: sluice's own Node-API addon (native/sluice.cc) drives libzmq sockets in
// batches — one native call receives up to RECV_MESSAGES messages into one slab Buffer, one
// sends messages until one would block. This file is its JS half: loading the addon, the
// options table, and the EngineSocket over a native handle.
//
// Invariants:
// - The addon is optional: loadNative() never throws; it says why it could not load, and the
//   pump falls back to (or, asked for "native", refuses with) that reason.
// - The addon uses the libzmq that zeromq.js loaded (the `zeromq` import below runs first),
//   so both engines share one libzmq in the process, but never a context: inproc does not
//   connect across engines.
// - A direction waits only through the native watch(): the addon reports readiness through
//   onReady (a wake-up) or meta[FIRED] (found by an operation); each resolves the waiter of
//   that direction, and only it.
// - Messages received but not taken by the sink are held here and delivered first by the next
//   receive(); a multipart message cut by a full batch is completed by the next batch.
import Module from "node:module";
import path from "node:path";
import * as zmq from "zeromq";
import type { Engine, EngineSocket, Sink, Source } from "../engine";
import { describeValue, type Frame, type Message } from "../frames";
import type { Kind, KindInfo } from "../kinds";
import { DEFAULT_LINGER, RETRY_DELAYS } from "../tuning";

/** Messages one native receive may take (the lanes' SOCKET_BUDGET, so a batch fits a turn). */
const RECV_MESSAGES = 256;
/** A batch's slab stops growing after this many bytes: a frame's view keeps its whole slab
 * alive, so a slab must not be much bigger than what is worth retaining. */
const RECV_BYTES = 64 * 1024;
/** Messages one native send takes from the lane. */
const SEND_BATCH = 64;

// meta layout (native/sluice.cc): results of the last call, read at once after it.
const META_COUNT = 0;
const META_FIRED = 1;
const META_ERRNO = 2;
const META_FRAMES = 3;
const FRAME_SLOTS = 1024;

const POLLIN = 1;
const POLLOUT = 2;

/** libzmq's socket type numbers (zmq.h), for the kinds the native engine has so far. */
const TYPES: Readonly<Partial<Record<Kind, number>>> = {
  pair: 0,
  pub: 1,
  sub: 2,
  req: 3,
  rep: 4,
  dealer: 5,
  router: 6,
  pull: 7,
  push: 8,
  xpub: 9,
  xsub: 10,
};

/**
 * Whether the native engine does everything the zeromq.js engine does (monitor events, the
 * whole pump suite): until then "auto" keeps choosing zeromq.js (issue 18, step 1).
 */
export const NATIVE_COMPLETE = false;

interface NativeHandle {
  setOption(type: string, id: number, value: unknown): void;
  getInt(id: number): number;
  bind(address: string): string;
  connect(address: string): string;
  recv(maxMessages: number, maxBytes: number): Buffer | undefined;
  send(messages: readonly Message[]): number;
  watch(mask: number): number;
  unwatch(mask: number): void;
  close(): void;
  readonly closed: boolean;
}

interface NativeBinding {
  load(hint: string | undefined): string;
  acquire(): void;
  release(): void;
  error(errno: number): Error;
  Socket: new (type: number, onReady: (bits: number) => void, meta: Float64Array) => NativeHandle;
}

type Loaded = { binding: NativeBinding; version: string; file: string } | { error: string };
let loaded: Loaded | undefined;

// Where the addon may be, in node-gyp-build's order: a local build (the workspace's `build`,
// scripts/build-native.js), then a prebuilt binary shipped in the package. This file runs
// from src/engines (tests) or dist/engines: the package root is two levels up either way.
function candidates(): string[] {
  const root = path.resolve(__dirname, "..", "..");
  return [
    path.join(root, "build", "Release", "sluice.node"),
    path.join(root, "prebuilds", `${process.platform}-${process.arch}`, "node.napi.node"),
  ];
}

// The path of zeromq.js's addon as Node loaded it: the addon's fallback when it cannot find
// the loaded libzmq by itself (only Linux can walk the loaded objects).
function zeromqAddon(): string | undefined {
  const cache = (Module as unknown as { _cache?: Record<string, unknown> })._cache ?? {};
  return Object.keys(cache).find((file) => /[\\/]zeromq[\\/].*\.node$/.test(file));
}

/** Loads the native engine once; never throws: the reason it could not load instead. */
export function loadNative(): Loaded {
  if (loaded !== undefined) return loaded;
  if (zmq.version === undefined) return (loaded = { error: "zeromq.js did not load" });
  const tried: string[] = [];
  for (const file of candidates()) {
    let binding: NativeBinding;
    try {
      binding = require(file) as NativeBinding;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      tried.push(
        code === "MODULE_NOT_FOUND" ? `${file}: absent` : `${file}: ${(e as Error).message}`,
      );
      continue;
    }
    try {
      return (loaded = { binding, version: binding.load(zeromqAddon()), file });
    } catch (e) {
      return (loaded = { error: `${file}: ${(e as Error).message}` });
    }
  }
  return (loaded = {
    error:
      "the native engine is not built (run the package's build with a C++ compiler): " +
      tried.join("; "),
  });
}

// zeromq.js defines each option as an accessor whose setter calls `this.set<Type>Option(id,
// value)` (its defineOpt). Calling that setter on a recorder yields the option's libzmq id and
// type, and its value mapped as zeromq.js maps it: one table for both engines, zeromq.js's.
function optionSetter(info: KindInfo, name: string): ((value: unknown) => void) | undefined {
  for (let p: object | null = info.Class.prototype; p !== null && p !== Object.prototype;) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) return d.set;
    p = Object.getPrototypeOf(p) as object | null;
  }
  return undefined;
}

interface OptionCall {
  type: string;
  id: number;
  value: unknown;
}

function optionCall(info: KindInfo, name: string, value: unknown): OptionCall | undefined {
  const setter = optionSetter(info, name);
  if (setter === undefined) return undefined;
  let call: OptionCall | undefined;
  const recorder = new Proxy(
    {},
    {
      get: (_, key) =>
        typeof key === "string" && /^set\w+Option$/.test(key)
          ? (id: number, v: unknown) => (call = { type: key.slice(3, -6), id, value: v })
          : undefined,
    },
  );
  setter.call(recorder, value);
  return call;
}

/** Sockets made by sluice's native addon, in its own libzmq context (one per environment). */
export class NativeEngine implements Engine {
  readonly name = "native";
  readonly #binding: NativeBinding;
  readonly #version: string;
  #released = false;

  /** Throws an Error saying why when the native engine could not be loaded. */
  constructor() {
    const native = loadNative();
    if ("error" in native) throw new Error(`engine "native" is not available: ${native.error}`);
    this.#binding = native.binding;
    this.#version = native.version;
    this.#binding.acquire();
  }

  describe(): string {
    return `native (sluice's addon, libzmq ${this.#version} from zeromq.js)`;
  }

  hasOption(info: KindInfo, name: string): boolean {
    return optionSetter(info, name) !== undefined;
  }

  create(info: KindInfo, options: Readonly<Record<string, unknown>>): EngineSocket {
    if (TYPES[info.kind] === undefined) {
      throw new TypeError(
        `socket("${info.kind}"): a ${info.kind} socket is not supported on the native engine ` +
          `yet; use engine: "zeromq"`,
      );
    }
    const { sendTimeout, ...rest } = options;
    const socket = new NativeSocket(this.#binding, info, (sendTimeout as number | undefined) ?? -1);
    for (const [name, value] of Object.entries({ linger: DEFAULT_LINGER, ...rest })) {
      try {
        const call = optionCall(info, name, value);
        if (call === undefined) throw new TypeError(`no such option on a ${info.kind} socket`);
        socket.handle.setOption(call.type, call.id, call.value);
      } catch (e) {
        socket.close();
        const why = e instanceof Error ? e.message : String(e);
        throw new TypeError(
          `socket("${info.kind}"): option "${name}" refused ${describeValue(value)}: ${why}`,
          { cause: e },
        );
      }
    }
    socket.readLinger();
    return socket;
  }

  /** The pump closed (after its sockets): the last pump to close ends the native context. */
  close(): void {
    if (this.#released) return;
    this.#released = true;
    this.#binding.release();
  }
}

const NONE: readonly Message[] = Object.freeze([]);

type Waiter = (ready: boolean) => void;

/** One socket of the native engine. */
export class NativeSocket implements EngineSocket {
  readonly sendTimeout: number;
  readonly sendsWhileWaiting = false;
  readonly handle: NativeHandle;
  readonly #binding: NativeBinding;
  readonly #info: KindInfo;
  readonly #meta = new Float64Array(META_FRAMES + FRAME_SLOTS);
  #closed = false;
  #linger = DEFAULT_LINGER;
  #lastEndpoint: string | undefined;

  // receiving
  #held: Frame[][] = []; // received, not yet taken by the sink
  #heldAt = 0;
  #partial: Frame[] = []; // the first frames of a message cut by a full batch

  // waiting: one waiter per direction
  #readable: Waiter | undefined;
  #writable: Waiter | undefined;
  #attempt = 0; // writable() found room at once this many times in a row: back off

  constructor(binding: NativeBinding, info: KindInfo, sendTimeout: number) {
    this.#binding = binding;
    this.sendTimeout = sendTimeout;
    this.#info = info;
    this.handle = new binding.Socket(TYPES[info.kind]!, this.#onReady, this.#meta);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get linger(): number {
    return this.#linger;
  }

  get lastEndpoint(): string | undefined {
    return this.#lastEndpoint;
  }

  /** Reads the linger back once the options are set (ZMQ_LINGER). */
  readLinger(): void {
    this.#linger = this.handle.getInt(17);
  }

  // -- readiness ------------------------------------------------------------------------------

  // A wake-up from the poll: these directions became ready.
  #onReady = (bits: number): void => {
    this.#fire(bits);
  };

  #fire(bits: number): void {
    if ((bits & POLLIN) !== 0) {
      const resolve = this.#readable;
      this.#readable = undefined;
      resolve?.(true);
    }
    if ((bits & POLLOUT) !== 0) {
      const resolve = this.#writable;
      this.#writable = undefined;
      resolve?.(true);
    }
  }

  // After every native call: what it found ready for the other direction's waiter.
  #afterOp(): void {
    const fired = this.#meta[META_FIRED] ?? 0;
    if (fired !== 0) this.#fire(fired);
  }

  // Resolves true once `bit` is ready, false when the socket closed first.
  #wait(bit: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    const ready = this.handle.watch(bit);
    this.#afterOp();
    if ((ready & bit) !== 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      if (bit === POLLIN) this.#readable = resolve;
      else this.#writable = resolve;
    });
  }

  // -- receiving ------------------------------------------------------------------------------

  async receive(sink: Sink): Promise<boolean> {
    for (;;) {
      while (this.#heldAt < this.#held.length) {
        const message = this.#held[this.#heldAt++]!;
        if (!sink.deliver(message)) {
          this.#compactHeld();
          return true;
        }
      }
      this.#held = [];
      this.#heldAt = 0;
      if (this.#closed) return false;
      const slab = this.handle.recv(RECV_MESSAGES, RECV_BYTES);
      this.#afterOp();
      if (slab === undefined) {
        if (!(await this.#wait(POLLIN))) return false;
        continue;
      }
      this.#slice(slab);
    }
  }

  // Cuts a batch's slab into frames (views, no copy) and whole messages.
  #slice(slab: Buffer): void {
    const meta = this.#meta;
    const count = meta[META_COUNT]!;
    let at = 0;
    let frames = this.#partial;
    for (let i = 0; i < count; i++) {
      const word = meta[META_FRAMES + i]!;
      const size = Math.floor(word / 2);
      frames.push(slab.subarray(at, at + size));
      at += size;
      if (word % 2 === 0) {
        this.#held.push(frames);
        frames = [];
      }
    }
    this.#partial = frames;
  }

  #compactHeld(): void {
    if (this.#heldAt > 64) {
      this.#held = this.#held.slice(this.#heldAt);
      this.#heldAt = 0;
    }
  }

  // -- sending --------------------------------------------------------------------------------

  send(source: Source): readonly Message[] {
    let batch: Message[] = [];
    for (;;) {
      while (batch.length < SEND_BATCH) {
        const message = source.next();
        if (message === undefined) break;
        batch.push(message);
      }
      if (batch.length === 0) return NONE;
      const ended = batch.length < SEND_BATCH;
      const sent = this.handle.send(batch);
      this.#afterOp();
      for (let i = 0; i < sent; i++) source.sent(batch[i]!);
      if (sent > 0) this.#attempt = 0;
      if (sent < batch.length) {
        const errno = this.#meta[META_ERRNO] ?? 0;
        if (errno === 0) return batch.slice(sent); // the first would block
        source.failed(batch[sent]!, this.#binding.error(errno));
        batch = batch.slice(sent + 1);
        continue;
      }
      if (ended) return NONE;
      batch = [];
    }
  }

  // Waits for POLLOUT, for at most `ms`, or until wake()/interrupt()/close(); always false:
  // the lane then tries send() again. A socket can say POLLOUT and still refuse a message (a
  // mandatory ROUTER whose peer is full while another has room): found ready at once again and
  // again, the wait backs off as the zeromq.js engine's retries do.
  writable(_pending: Message, ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    const step = RETRY_DELAYS[Math.min(this.#attempt, RETRY_DELAYS.length - 1)] ?? 0;
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let immediate: ReturnType<typeof setImmediate> | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        if (immediate !== undefined) clearImmediate(immediate);
        if (this.#writable === done) this.#writable = undefined;
        if (!this.#closed) this.handle.unwatch(POLLOUT);
        resolve(false);
      };
      this.#writable = done;
      if (ms >= 0) timer = setTimeout(done, ms);
      const ready = this.handle.watch(POLLOUT);
      this.#afterOp();
      if ((ready & POLLOUT) === 0) return; // the poll (or the timer, a wake) resolves it
      const wait = ms < 0 ? step : Math.min(step, ms);
      this.#attempt++;
      if (wait === 0 && this.#attempt === 1) done();
      else if (wait === 0) immediate = setImmediate(done);
      else {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(done, wait);
      }
    });
  }

  wake(): void {
    this.#writable?.(false);
  }

  interrupt(): void {
    this.#writable?.(false);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.handle.close();
    this.#fire(POLLIN | POLLOUT); // the waiters see `closed` and give up
  }

  // -- setting up -----------------------------------------------------------------------------

  bind(address: string): Promise<string> {
    try {
      this.#lastEndpoint = this.handle.bind(address);
      this.#afterOp();
      return Promise.resolve(this.#lastEndpoint);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  // Runtime control (control.ts) on this engine so far: connect with a routing id, (un)subscribe
  // to string topics, set any option and read the integer ones. What is missing says so.
  connect(address: string, routingId?: string): void {
    if (routingId !== undefined) this.set("connectRoutingId", routingId);
    this.#lastEndpoint = this.handle.connect(address);
    this.#afterOp();
  }

  subscribe(topics: ReadonlyArray<string | Buffer>): void {
    for (const topic of topics) this.handle.setOption("String", 6, textTopic(topic)); // ZMQ_SUBSCRIBE
    this.#afterOp();
  }

  unsubscribe(topics: ReadonlyArray<string | Buffer>): void {
    for (const topic of topics) this.handle.setOption("String", 7, textTopic(topic)); // ZMQ_UNSUBSCRIBE
    this.#afterOp();
  }

  unbind(): Promise<void> {
    return Promise.reject(notYet("unbind()"));
  }

  disconnect(): void {
    throw notYet("disconnect()");
  }

  join(): void {
    throw notYet("join()");
  }

  leave(): void {
    throw notYet("leave()");
  }

  access(name: string): { read: boolean; write: boolean } | undefined {
    for (let p: object | null = this.#info.Class.prototype; p !== null && p !== Object.prototype;) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (d !== undefined) {
        if (d.get === undefined && d.set === undefined) return undefined;
        return { read: d.get !== undefined, write: d.set !== undefined };
      }
      p = Object.getPrototypeOf(p) as object | null;
    }
    return undefined;
  }

  get(name: string): unknown {
    // zeromq.js's getter, run on a recorder, says which libzmq option it reads and how.
    let read: { type: string; id: number } | undefined;
    const recorder = new Proxy(
      {},
      {
        get: (_, key) =>
          typeof key === "string" && /^get\w+Option$/.test(key)
            ? (id: number) => void (read = { type: key.slice(3, -6), id })
            : undefined,
      },
    );
    const d = findDescriptor(this.#info.Class.prototype, name);
    d?.get?.call(recorder);
    if (read === undefined || read.type !== "Int32") throw notYet(`get("${name}")`);
    return this.handle.getInt(read.id);
  }

  set(name: string, value: unknown): void {
    const call = optionCall(this.#info, name, value);
    if (call === undefined) throw new TypeError(`no such option on a ${this.#info.kind} socket`);
    this.handle.setOption(call.type, call.id, call.value);
    if (name === "linger") this.readLinger();
    this.#afterOp();
  }

  events(): AsyncIterable<zmq.Event> {
    throw new Error("monitor events are not supported on the native engine yet (issue 18, step 2)");
  }
}

function notYet(call: string): Error {
  return new Error(`${call} is not supported on the native engine yet; use engine: "zeromq"`);
}

function textTopic(topic: string | Buffer): string {
  if (typeof topic === "string") return topic;
  throw notYet("a Buffer topic");
}

function findDescriptor(proto: object | null, name: string): PropertyDescriptor | undefined {
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) return d;
  }
  return undefined;
}
