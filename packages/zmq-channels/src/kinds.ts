// One table: socket kind → zeromq.js class, what it can do, and its special cases. Nothing
// else in the package switches on a kind's name: it reads a row.
// Change together: this table ↔ docs/zmq.md "Socket kinds".
import * as zmq from "zeromq";
import type * as draft from "zeromq/draft";
import type { Framing } from "./frames";

/**
 * The socket kinds of the contract (API.md `Pump.socket`), named as in ZeroMQ [zmq_socket types].
 * @example const kind: Kind = "router";
 */
export type Kind =
  | "pair"
  | "pub"
  | "sub"
  | "xpub"
  | "xsub"
  | "req"
  | "rep"
  | "dealer"
  | "router"
  | "push"
  | "pull"
  | "stream"
  | "server"
  | "client"
  | "radio"
  | "dish"
  | "scatter"
  | "gather"
  | "datagram";

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
  /** zeromq.js `Stream` */
  stream: zmq.Stream;
  /** zeromq.js draft `Server` */
  server: draft.Server;
  /** zeromq.js draft `Client` */
  client: draft.Client;
  /** zeromq.js draft `Radio` */
  radio: draft.Radio;
  /** zeromq.js draft `Dish` */
  dish: draft.Dish;
  /** zeromq.js draft `Scatter` */
  scatter: draft.Scatter;
  /** zeromq.js draft `Gather` */
  gather: draft.Gather;
  /** zeromq.js draft `Datagram` */
  datagram: draft.Datagram;
}

/**
 * ZeroMQ's strict alternation for REQ and REP: which direction goes first, then the two
 * alternate (a REQ that receives before sending, or sends twice, gets EFSM from libzmq).
 */
export type Alternation = "none" | "sendFirst" | "receiveFirst";

export interface KindInfo {
  readonly kind: Kind;
  /** zeromq.js's class for this kind. */
  readonly Class: new (options?: object) => zmq.Socket;
  readonly canSend: boolean;
  readonly canRecv: boolean;
  readonly alternation: Alternation;
  /** SUB takes `subscribe` topics; XSUB subscribes by sending 0x01-prefixed frames instead. */
  readonly subscribes: boolean;
  /**
   * The boolean option that lets this kind send again before the reply (REQ's `relaxed`,
   * ZMQ_REQ_RELAXED): then only receiving alternates. libzmq cannot read it back, so only
   * `socket()` knows it.
   */
  readonly freesSending?: string | undefined;
  /** Options of zeromq's that cannot work under the pump on this kind, and why. */
  readonly refuses?: Readonly<Record<string, string>> | undefined;
  /** DISH: takes `join` groups (socket(…, { join }), join()/leave()). */
  readonly joins?: boolean | undefined;
  /** ROUTER, STREAM: connect() may name the peer's routing id (ZMQ_CONNECT_ROUTING_ID). */
  readonly connectRoutingId?: boolean | undefined;
  /** The message shape this kind sends, checked at the put (frames.ts `Framing`). */
  readonly framing?: Framing | undefined;
  /** A draft kind: its class is in zeromq.js's draft module, loaded on first use. */
  readonly draft?: boolean | undefined;
}

type Ctor = new (options?: object) => zmq.Socket;
type Extra = Pick<KindInfo, "freesSending" | "refuses" | "joins" | "connectRoutingId" | "framing">;

function row(
  kind: Kind,
  Class: Ctor,
  canSend: boolean,
  canRecv: boolean,
  alternation: Alternation = "none",
  subscribes = false,
  extra: Extra = {},
): KindInfo {
  return Object.freeze({ kind, Class, canSend, canRecv, alternation, subscribes, ...extra });
}

// zeromq.js's draft module prints a warning when it is required, so it is loaded only when a
// draft kind is first used (socket(), or register() of a socket made from it).
let draftModule: typeof draft | undefined;
function loadDraft(): typeof draft {
  if (!zmq.capability.draft) {
    throw new TypeError(
      "this zeromq.js build has no draft API (zmq.capability.draft is false): " +
        `the draft kinds (${DRAFT_KINDS}) are unavailable`,
    );
  }
  draftModule ??= require("zeromq/draft") as typeof draft;
  return draftModule;
}

/** A row whose class is a draft one, loaded when `Class` is first read. */
function draftRow(
  kind: Kind,
  name: "Server" | "Client" | "Radio" | "Dish" | "Scatter" | "Gather" | "Datagram",
  canSend: boolean,
  canRecv: boolean,
  extra: Extra = {},
): KindInfo {
  const info = {
    kind,
    canSend,
    canRecv,
    alternation: "none",
    subscribes: false,
    draft: true,
    ...extra,
  };
  Object.defineProperty(info, "Class", { enumerable: true, get: () => loadDraft()[name] });
  return Object.freeze(info) as KindInfo;
}

/** kind → what the pump needs to know about it. */
export const KINDS: Readonly<Record<Kind, KindInfo>> = Object.freeze({
  pair: row("pair", zmq.Pair, true, true),
  pub: row("pub", zmq.Publisher, true, false),
  sub: row("sub", zmq.Subscriber, false, true, "none", true),
  xpub: row("xpub", zmq.XPublisher, true, true, "none", false, {
    // Manual mode needs the socket to set ZMQ_SUBSCRIBE on itself for each subscription it
    // accepts, and zeromq.js 6 has no call for that: nothing would ever go out.
    refuses: {
      manual:
        "(manual subscriptions) cannot work: the socket would have to subscribe itself for " +
        "each subscription, and zeromq.js 6 has no call for it, so nothing would ever be sent",
    },
  }),
  xsub: row("xsub", zmq.XSubscriber, true, true),
  req: row("req", zmq.Request, true, true, "sendFirst", false, { freesSending: "relaxed" }),
  rep: row("rep", zmq.Reply, true, true, "receiveFirst"),
  dealer: row("dealer", zmq.Dealer, true, true),
  router: row("router", zmq.Router, true, true, "none", false, {
    connectRoutingId: true,
    framing: { routed: "multipart" },
  }),
  push: row("push", zmq.Push, true, false),
  pull: row("pull", zmq.Pull, false, true),
  // raw TCP: [id, data] both ways; a connection's arrival and end are [id, empty]
  stream: row("stream", zmq.Stream, true, true, "none", false, {
    connectRoutingId: true,
    framing: { routed: "one" },
  }),
  server: draftRow("server", "Server", true, true, { framing: { envelope: "routingId" } }),
  client: draftRow("client", "Client", true, true, { framing: {} }),
  radio: draftRow("radio", "Radio", true, false, { framing: { envelope: "group" } }),
  dish: draftRow("dish", "Dish", false, true, { framing: { envelope: "group" }, joins: true }),
  scatter: draftRow("scatter", "Scatter", true, false, { framing: {} }),
  gather: draftRow("gather", "Gather", false, true, { framing: {} }),
  // UDP: [address, body] both ways, plain frames ("ip:port"; libzmq ends a received one with a
  // NUL byte). It only binds (libzmq refuses connect), and it sends only once bound (P50).
  datagram: draftRow("datagram", "Datagram", true, true, { framing: { addressed: true } }),
});

/** The draft kinds' names, for the errors that say they are unavailable. */
export const DRAFT_KINDS = Object.values(KINDS)
  .filter((k) => k.draft === true)
  .map((k) => k.kind)
  .join(", ");

/** Looks a kind up by name; `undefined` for anything that is not a kind of the contract. */
export function kindNamed(name: unknown): KindInfo | undefined {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(KINDS, name)
    ? KINDS[name as Kind]
    : undefined;
}

/** The kind of an existing zeromq.js socket (for `register`), or `undefined` if unsupported. */
export function kindOf(socket: zmq.Socket): KindInfo | undefined {
  for (const info of Object.values(KINDS)) {
    // A draft socket exists only if its module was loaded: never load it just to look.
    if (info.draft === true && draftModule === undefined && !draftLoadedElsewhere()) continue;
    if (socket instanceof info.Class) return info;
  }
  return undefined;
}

function draftLoadedElsewhere(): boolean {
  try {
    return require.cache[require.resolve("zeromq/draft")] !== undefined;
  } catch {
    return false;
  }
}
