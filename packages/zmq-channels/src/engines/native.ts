// The native engine: sluice's own Node-API addon (native/sluice.cc) drives libzmq sockets in
// batches — one native call receives up to RECV_MESSAGES messages into one slab Buffer, one
// sends messages until one would block. This file is the Engine; its parts: the addon and its
// loading (native-addon.ts), the options table (native-options.ts), the socket
// (native-socket.ts, with native-received.ts, native-waits.ts and native-control.ts).
//
// Invariants:
// - The engine exists only over a loaded addon (loadNative(), which never throws): the
//   constructor throws the reason it could not load, and the pump falls back to (or, asked
//   for "native", refuses with) that reason.
// - Each engine holds the addon's native context (acquire) until close() releases it, once.
import type { Engine, EngineSocket } from "../engine";
import { DRAFT_KINDS, KINDS, type KindInfo } from "../kinds";
import { DEFAULT_LINGER } from "../tuning";
import { loadNative, type NativeBinding } from "./native-addon";
import { optionSetter } from "./native-options";
import { checkOptionValue, describeOptionValue } from "./option-values";
import { NativeSocket } from "./native-socket";
import { reasonOf } from "../errors";

export { loadNative } from "./native-addon";
export { NativeSocket } from "./native-socket";

/** Sockets made by sluice's native addon, in its own libzmq context (one per environment). */
export class NativeEngine implements Engine {
  readonly name = "native";
  readonly #binding: NativeBinding;
  readonly #version: string;
  readonly #file: string; // which binary loaded: a local build or the package's prebuild
  #released = false;

  /** Throws an Error saying why when the native engine could not be loaded. */
  constructor() {
    const native = loadNative();
    if ("error" in native) throw new Error(`engine "native" is not available: ${native.error}`);
    this.#binding = native.binding;
    this.#version = native.version;
    this.#file = native.file;
    this.#binding.acquire();
  }

  describe(): string {
    return `native (sluice's addon ${this.#file}, libzmq ${this.#version} from zeromq.js)`;
  }

  hasOption(info: KindInfo, name: string): boolean {
    return optionSetter(info, name) !== undefined;
  }

  create(info: KindInfo, options: Readonly<Record<string, unknown>>): EngineSocket {
    if (info.draft === true && !this.#binding.draft()) {
      throw new TypeError(
        `socket("${info.kind}"): the libzmq the native engine found has no draft API: ` +
          `the draft kinds (${DRAFT_KINDS}) are unavailable`,
      );
    }
    const { sendTimeout, ...rest } = options;
    const socket = new NativeSocket(this.#binding, info, (sendTimeout as number | undefined) ?? -1);
    for (const [name, value] of Object.entries({ linger: DEFAULT_LINGER, ...rest })) {
      try {
        const call = checkOptionValue(info, name, value);
        if (call === undefined) throw new TypeError(`no such option on a ${info.kind} socket`);
        socket.handle.setOption(call.type, call.id, call.value);
      } catch (e) {
        socket.close();
        const why = reasonOf(e);
        throw new TypeError(
          `socket("${info.kind}"): option "${name}" refused ${describeOptionValue(name, value)}: ${why}`,
          { cause: e },
        );
      }
    }
    socket.readLinger();
    return socket;
  }

  // One native context per Node environment, and one binding object per environment.
  get context(): object {
    return this.#binding;
  }

  boundRouter(address: string): EngineSocket {
    const socket = this.create(KINDS.router, { linger: 0 }) as NativeSocket;
    try {
      socket.handle.bind(address);
    } catch (e) {
      socket.close();
      throw e;
    }
    return socket;
  }

  /** The pump closed (after its sockets): the last pump to close ends the native context. */
  close(): void {
    if (this.#released) return;
    this.#released = true;
    this.#binding.release();
  }
}
