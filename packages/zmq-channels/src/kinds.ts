// One table: socket kind → zeromq class, what it can do, and its special cases. pump.ts and
// bridge.ts read this table and never switch on a kind's name.
// Change together: this table ↔ API.md's `socket()` kinds ↔ docs/zmq.md "Socket kinds".
import * as zmq from "zeromq";

/**
 * The socket kinds of the contract (API.md `Pump.socket`), named as in ZeroMQ [zmq_socket types].
 * @example const kind: Kind = "router";
 */
export type Kind =
  "pair" | "pub" | "sub" | "xpub" | "xsub" | "req" | "rep" | "dealer" | "router" | "push" | "pull";

/** zeromq.js's socket class for each kind, as a type: what `socket()`'s `options` are typed by. */
export interface SocketClasses {
  /** zeromq.js `Pair` */
  pair: zmq.Pair;
  /** zeromq.js `Publisher` */
  pub: zmq.Publisher;
  /** zeromq.js `Subscriber` */
  sub: zmq.Subscriber;
  /** zeromq.js `XPublisher` */
  xpub: zmq.XPublisher;
  /** zeromq.js `XSubscriber` */
  xsub: zmq.XSubscriber;
  /** zeromq.js `Request` */
  req: zmq.Request;
  /** zeromq.js `Reply` */
  rep: zmq.Reply;
  /** zeromq.js `Dealer` */
  dealer: zmq.Dealer;
  /** zeromq.js `Router` */
  router: zmq.Router;
  /** zeromq.js `Push` */
  push: zmq.Push;
  /** zeromq.js `Pull` */
  pull: zmq.Pull;
}

/**
 * ZeroMQ's strict alternation for REQ and REP: which direction goes first, then the two take
 * turns (a REQ that receives before sending, or sends twice, gets EFSM from libzmq).
 */
export type Lockstep = "none" | "sendFirst" | "receiveFirst";

export interface KindInfo {
  readonly kind: Kind;
  // zeromq.js's class for this kind; options are applied by its constructor.
  readonly Class: new (options?: object) => zmq.Socket;
  readonly canSend: boolean;
  readonly canRecv: boolean;
  readonly lockstep: Lockstep;
  // SUB takes `subscribe` topics; XSUB subscribes by sending 0x01-prefixed frames instead.
  readonly subscribes: boolean;
}

type Ctor = new (options?: object) => zmq.Socket;

function row(
  kind: Kind,
  Class: Ctor,
  canSend: boolean,
  canRecv: boolean,
  lockstep: Lockstep = "none",
  subscribes = false,
): KindInfo {
  return Object.freeze({ kind, Class, canSend, canRecv, lockstep, subscribes });
}

/** kind → what the pump needs to know about it. */
export const KINDS: Readonly<Record<Kind, KindInfo>> = Object.freeze({
  pair: row("pair", zmq.Pair, true, true),
  pub: row("pub", zmq.Publisher, true, false),
  sub: row("sub", zmq.Subscriber, false, true, "none", true),
  xpub: row("xpub", zmq.XPublisher, true, true),
  xsub: row("xsub", zmq.XSubscriber, true, true),
  req: row("req", zmq.Request, true, true, "sendFirst"),
  rep: row("rep", zmq.Reply, true, true, "receiveFirst"),
  dealer: row("dealer", zmq.Dealer, true, true),
  router: row("router", zmq.Router, true, true),
  push: row("push", zmq.Push, true, false),
  pull: row("pull", zmq.Pull, false, true),
});

/** Looks a kind up by name; `undefined` for anything that is not a kind of the contract. */
export function kindNamed(name: unknown): KindInfo | undefined {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(KINDS, name)
    ? KINDS[name as Kind]
    : undefined;
}

/** The kind of an existing zeromq socket (for `register`), or `undefined` if unsupported. */
export function kindOf(socket: zmq.Socket): KindInfo | undefined {
  for (const info of Object.values(KINDS)) {
    if (socket instanceof info.Class) return info;
  }
  return undefined;
}
