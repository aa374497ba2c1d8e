// The zeromq.js engine: sockets made by zeromq.js, driven one message at a time
// (zeromq-socket.ts), and the adoption of a zeromq.js socket a user made (`pump.register`).
import * as zmq from "zeromq";
import type { Engine, EngineSocket } from "../engine";
import { describeValue } from "../frames";
import { KINDS, kindOf, type KindInfo } from "../kinds";
import { DEFAULT_LINGER } from "../tuning";
import { InprocClaims } from "./inproc";
import { optionDescriptor } from "./option-table";
import { checkOptionValue, describeOptionValue } from "./option-values";
import { ZeromqSocket } from "./zeromq-socket";
import { reasonOf } from "../errors";

type Writable = zmq.Socket & zmq.Writable;

// Sockets some pump has adopted, across every pump: one socket, one owner.
const adopted = new WeakSet<zmq.Socket>();

/** Sockets created with a zeromq.js context (the pump's, or zeromq's default). */
export class ZeromqEngine implements Engine {
  readonly name = "zeromq";
  readonly #context: zmq.Context | undefined;

  constructor(context?: zmq.Context) {
    this.#context = context;
  }

  describe(): string {
    return `zeromq (zeromq.js, libzmq ${zmq.version}${this.#context === undefined ? "" : ", a context of the user's"})`;
  }

  // zeromq.js defines each option as an accessor on the class prototype (its defineOpt): an
  // option exists for a kind exactly when some prototype on the chain has a setter for it.
  hasOption(info: KindInfo, name: string): boolean {
    if (name === "context") return true;
    return optionDescriptor(info.Class.prototype, name)?.set !== undefined;
  }

  // Options are set one at a time after construction: given to zeromq.js's constructor, a
  // refused value throws after the native socket exists, and that socket, never closed,
  // crashes the process at exit.
  create(info: KindInfo, options: Readonly<Record<string, unknown>>): EngineSocket {
    const { context: given, sendTimeout, ...rest } = options;
    const context = (given as zmq.Context | undefined) ?? this.#context;
    const socket = new info.Class(context === undefined ? {} : { context });
    const settable = socket as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries({ linger: DEFAULT_LINGER, ...rest })) {
      try {
        checkOptionValue(info, name, value);
        settable[name] = value;
      } catch (e) {
        socket.close();
        const why = reasonOf(e);
        throw new TypeError(
          `socket("${info.kind}"): option "${name}" refused ${describeOptionValue(name, value)}: ${why}`,
          { cause: e },
        );
      }
    }
    adopted.add(socket);
    return new ZeromqSocket(socket, info, (sendTimeout as number | undefined) ?? -1);
  }

  get context(): object {
    return this.#context ?? zmq.context;
  }

  // bindSync: zeromq.js's bind is asynchronous, and pump.zap() reports a taken endpoint at the call.
  boundRouter(address: string): EngineSocket {
    const router = new zmq.Router({ context: this.#context ?? zmq.context, linger: 0 });
    try {
      (router as unknown as { bindSync(a: string): void }).bindSync(address);
    } catch (e) {
      router.close();
      throw e;
    }
    adopted.add(router);
    return new ZeromqSocket(router, KINDS.router, -1);
  }

  /**
   * Adopts a zeromq.js socket that is configured and bound or connected (`pump.register`).
   * Throws a TypeError naming what is wrong with it. A linger of -1 becomes DEFAULT_LINGER.
   */
  static adopt(socket: unknown): { info: KindInfo; socket: EngineSocket } {
    if (!(socket instanceof zmq.Socket)) {
      throw new TypeError(
        `register(socket): expected a zeromq Socket, got ${describeValue(socket)}`,
      );
    }
    const info = kindOf(socket);
    if (info === undefined) {
      throw new TypeError(
        `register(socket): a ${socket.constructor.name} is not a socket kind the pump supports`,
      );
    }
    if (socket.closed) throw new TypeError(`register(socket): the ${info.kind} socket is closed`);
    if (adopted.has(socket)) {
      throw new TypeError(`register(socket): this ${info.kind} socket is already registered`);
    }
    // Bound or connected already: of its endpoints, zeromq.js shows the last.
    const inproc = new InprocClaims("zeromq");
    if (socket.lastEndpoint) inproc.claim(socket.lastEndpoint, "used", "register");
    adopted.add(socket);
    if (socket.linger < 0) socket.linger = DEFAULT_LINGER;
    const sendTimeout = info.canSend ? (socket as Writable).sendTimeout : -1;
    return { info, socket: new ZeromqSocket(socket, info, sendTimeout, inproc) };
  }
}
