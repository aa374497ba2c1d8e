// A test-side peer that the pump does not own, on the pump's own engine: a zeromq.js socket
// beside a zeromq.js pump, a bare socket of the native addon beside a native one. inproc
// connects only sockets of one engine (P39), so a test that talks to a pump's socket over
// inproc through a socket of its own needs one of the same engine. Sends are synchronous
// tries (sendTimeout 0): a send that would block rejects, as zeromq.js's does.
import * as zmq from "zeromq";
import { KINDS } from "../src/kinds";
import { FRAME_SLOTS, META_FRAMES, TYPES } from "../src/engines/native-addon";
import { loadNative } from "../src/engines/native";
import { optionCall } from "../src/engines/native-options";

export interface RawPeer {
  connect(endpoint: string): void;
  /** One single-frame message, tried now: rejects with code EAGAIN when it would block. */
  send(message: string | Buffer): Promise<void>;
  close(): void;
}

type PeerKind = "push" | "dealer";
type PeerOptions = { sendHighWaterMark?: number; receiveHighWaterMark?: number };

/** A peer of `kind` on `engine` with linger 0, sendTimeout 0 and `options`. */
export function rawPeer(engine: string, kind: PeerKind, options: PeerOptions = {}): RawPeer {
  if (engine === "zeromq") {
    const Class = kind === "push" ? zmq.Push : zmq.Dealer;
    const socket = new Class({ ...options, sendTimeout: 0, linger: 0 });
    return {
      connect: (endpoint) => socket.connect(endpoint),
      send: (message) => socket.send(message),
      close: () => socket.close(),
    };
  }
  // The native context is a native pump's: the test keeps one open while the peer lives.
  const native = loadNative();
  if ("error" in native) throw new Error(`rawPeer: ${native.error}`);
  const handle = new native.binding.Socket(
    TYPES[kind]!,
    () => undefined, // never watched: nothing waits on this socket
    new Float64Array(META_FRAMES + FRAME_SLOTS),
  );
  for (const [name, value] of Object.entries({ ...options, linger: 0 })) {
    const call = optionCall(KINDS[kind], name, value)!;
    handle.setOption(call.type, call.id, call.value);
  }
  return {
    connect: (endpoint) => void handle.connect(endpoint),
    send: (message) =>
      handle.send([message]) === 1
        ? Promise.resolve()
        : Promise.reject(Object.assign(new Error("would block"), { code: "EAGAIN" })),
    close: () => handle.close(),
  };
}
