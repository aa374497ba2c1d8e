// The native engine's addon (native/sluice.cc) as JS sees it: its types (NativeBinding, the
// NativeHandle of one socket), the meta layout and poll bits it shares, the socket type
// numbers, and loadNative(), which finds and loads it.
//
// Invariants:
// - The addon is optional: loadNative() never throws; it says why it could not load, and the
//   pump falls back to (or, asked for "native", refuses with) that reason.
// - The addon uses the libzmq that zeromq.js loaded (the `zeromq` import below runs first),
//   so both engines share one libzmq in the process, but never a context: inproc does not
//   connect across engines.
import Module from "node:module";
import path from "node:path";
import { isMainThread } from "node:worker_threads";
import * as zmq from "zeromq";
import type { Message } from "../frames";
import type { Kind } from "../kinds";

// meta layout (native/sluice.cc): results of the last call, read at once after it.
export const META_COUNT = 0;
export const META_FIRED = 1;
export const META_ERRNO = 2;
export const META_FRAMES = 3;
/** The most frame words a receiving socket's meta grows to (a batch's frames). */
export const FRAME_SLOTS = 1024;
/** A receiving socket's first frame words: twice the addon's first receive slots (32), so
 * the meta stays a step ahead of them as both double (native-socket.ts). */
export const FIRST_FRAME_SLOTS = 64;
/** A received frame's word in meta: size * 4 + FRAME_LENT + FRAME_MORE (sluice.cc frameWord). */
export const FRAME_MORE = 1;
/** The frame is not in the batch's slab: it is the next of the lent frames' Buffers. */
export const FRAME_LENT = 2;

export const POLLIN = 1;
export const POLLOUT = 2;

/** libzmq's socket type numbers (zmq.h); from server on, the draft API's. */
export const TYPES: Readonly<Record<Kind, number>> = {
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
  stream: 11,
  server: 12,
  client: 13,
  radio: 14,
  dish: 15,
  gather: 16,
  scatter: 17,
  datagram: 18,
};

export interface NativeHandle {
  setOption(type: string, id: number, value: unknown): void;
  /** Any option, as zeromq.js's get<type>Option reads it. */
  getOption(type: string, id: number): unknown;
  bind(address: string): string;
  connect(address: string): string;
  unbind(address: string): void;
  disconnect(address: string): void;
  join(group: string | Buffer): void;
  leave(group: string | Buffer): void;
  /** A batch: its slab, or [its slab, each lent frame] (sluice.cc socketRecv); undefined: none. */
  recv(maxMessages: number, maxBytes: number): Buffer | Buffer[] | undefined;
  send(messages: readonly Message[]): number;
  /** send() of `count` messages packed by a SendPacker (native-packer.ts). */
  sendPacked(slab: Buffer, layout: Uint32Array, count: number): number;
  /** Results go to this (longer) meta from now on; the caller copied the header words. */
  setMeta(meta: Float64Array): void;
  watch(mask: number): number;
  unwatch(mask: number): void;
  close(): void;
  readonly closed: boolean;
  /** Starts the socket's monitor at an inproc endpoint; the event version that runs (2 or 1). */
  monitor(endpoint: string, version: number): number;
}

export interface NativeBinding {
  load(hint: string | undefined): string;
  acquire(): void;
  release(): void;
  error(errno: number): Error;
  /** [local, remote] endpoints of a connected socket descriptor, or undefined. */
  names(fd: number): [string, string] | undefined;
  /** Whether the libzmq found has the draft API (the draft kinds), after load(). */
  draft(): boolean;
  /** Closes what is open and waits for what is lent, as the environment's teardown does. */
  quiesce(): void;
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
      loaded = { binding, version: binding.load(zeromqAddon()), file };
      // When a worker ends, Node frees the bytes of external Buffers (another addon's frames,
      // such as the zeromq.js engine's) before the addon's cleanup can stop libzmq reading
      // those it was lent: its 'exit' is the last moment before that (decisions P76). The
      // main thread's process.exit() frees nothing, and does not wait (P60).
      if (!isMainThread) process.once("exit", () => binding.quiesce());
      return loaded;
    } catch (e) {
      return (loaded = { error: `${file}: ${(e as Error).message}` });
    }
  }
  // The command that builds it where the package is installed (the package's own `build`
  // also compiles its TypeScript, which needs the repository's tsconfig).
  const script = path.resolve(__dirname, "..", "..", "scripts", "build-native.js");
  // A binary that is there and would not load (built for another libc, or damaged) is not
  // "not built": say so, so that the per-file reason is read.
  const what = tried.every((t) => t.endsWith(": absent"))
    ? "the native engine is not built"
    : "the native engine did not load";
  return (loaded = {
    error: `${what} (build it here with a C++ compiler: node ${script}): ${tried.join("; ")}`,
  });
}
