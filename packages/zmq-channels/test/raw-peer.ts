// A socket of the test's own beside a pump's socket, in the same libzmq context as the pump's
// engine, since inproc does not connect across engines: a zeromq.js socket for the zeromq.js
// engine, a bare socket of the native addon for the native engine. Either sends at once
// (synchronously into libzmq), which the swallowed-edge tests need: the message is queued at
// the pump's socket before the control call runs.
import * as zmq from "zeromq";
import type { Pump } from "@sluice/zmq-channels";
import { loadNative } from "../src/engines/native";
import { META_COUNT, META_FRAMES, TYPES } from "../src/engines/native-addon";
import { sleep } from "./helpers";

export interface RawPeer {
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  /** Hands one single-part message to libzmq now. */
  send(body: string): void;
  /** The next message, or an Error after `ms`. */
  receive(ms?: number): Promise<Buffer[]>;
  close(): void;
}

export function rawPeer(pump: Pump, kind: "xpub" | "client"): RawPeer {
  return pump.engine === "native" ? nativePeer(kind) : zeromqPeer(kind);
}

function zeromqPeer(kind: "xpub" | "client"): RawPeer {
  const options = { sendTimeout: 0, linger: 0 };
  const socket =
    kind === "xpub"
      ? new zmq.XPublisher(options)
      : new (require("zeromq/draft") as typeof import("zeromq/draft")).Client(options);
  return {
    bind: (endpoint) => socket.bind(endpoint),
    connect: (endpoint) => socket.connect(endpoint),
    send: (body) => void socket.send(body),
    receive: async (ms = 2000) => {
      socket.receiveTimeout = ms;
      return (await socket.receive()) as Buffer[];
    },
    close: () => socket.close(),
  };
}

function nativePeer(kind: "xpub" | "client"): RawPeer {
  const native = loadNative();
  if ("error" in native) throw new Error(native.error);
  const meta = new Float64Array(META_FRAMES + 16);
  const handle = new native.binding.Socket(TYPES[kind], () => {}, meta);
  handle.setOption("Int32", 17, 0); // ZMQ_LINGER
  return {
    bind: async (endpoint) => void handle.bind(endpoint),
    connect: (endpoint) => void handle.connect(endpoint),
    send: (body) => {
      if (handle.send([[body]]) !== 1) throw new Error(`the raw ${kind} could not send ${body}`);
    },
    receive: async (ms = 2000) => {
      for (const until = Date.now() + ms; Date.now() < until; await sleep(1)) {
        const slab = handle.recv(1, 1 << 20);
        if (slab === undefined) continue;
        const frames: Buffer[] = [];
        for (let i = 0, at = 0; i < meta[META_COUNT]!; i++) {
          const size = Math.floor(meta[META_FRAMES + i]! / 2);
          frames.push(slab.subarray(at, (at += size)));
        }
        return frames;
      }
      throw new Error(`the raw ${kind} received nothing within ${ms} ms`);
    },
    close: () => handle.close(),
  };
}
