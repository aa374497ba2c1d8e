// socket()'s options end to end: what may be asked (checked before any socket exists), then
// the order a socket is set up in — created with its options, bound (awaited), connected,
// subscribed.
import { Channel } from "@sluice/channels";
import type * as zmq from "zeromq";
import type { Engine, EngineSocket } from "./engine";
import { endpointCall, groupCall } from "./endpoint-errors";
import { checkOpts, describeValue, groupTooLong, type Frame, type Message } from "./frames";
import { KINDS, type Kind, type KindInfo, type SocketClasses } from "./kinds";

/**
 * Options of `pump.socket()` [no core.async counterpart]. Socket option names are zeromq.js v6's;
 * an unknown one makes `socket()` reject naming it, before any socket is created.
 * @example { bind: "tcp://127.0.0.1:*", options: { sendHighWaterMark: 100, linger: 0 } }
 */
export interface SocketOptions<K extends Kind = Kind> {
  /** Endpoints to bind; `socket()` resolves once every bind has completed. */
  bind?: string | readonly string[] | undefined;
  /** Endpoints to connect to (zeromq connects in the background and reconnects). */
  connect?: string | readonly string[] | undefined;
  /** SUB only: topics to subscribe to; `""` is everything. None means no subscription. */
  subscribe?: string | readonly string[] | undefined;
  /** DISH only: groups to join. */
  join?: string | readonly string[] | undefined;
  /**
   * zeromq.js v6 socket options by name (`sendHighWaterMark`, `linger`, `mandatory`, …), typed
   * by the kind's zeromq.js class, so a misspelt name is a compile error; `receiveTimeout` is
   * the pump's own, and an XPUB's `manual` cannot work under it. Checked again at run time, for
   * callers without types.
   */
  options?: KindOptions<K> | undefined;
  /** A channel of your own to use as `send` (the pump then checks messages as it sends). */
  send?: Channel<Message> | undefined;
  /** A channel of your own to use as `recv`, e.g. with a sliding buffer. */
  recv?: Channel<Frame[]> | undefined;
}

/** The options of a kind's zeromq.js class; any option names when the kind is not known. */
export type KindOptions<K extends Kind> = Kind extends K
  ? Record<string, unknown>
  : Omit<zmq.SocketOptions<SocketClasses[K]>, "receiveTimeout" | "manual" | "context">;

/**
 * Channels to bridge an adopted socket to (`pump.register()`); the pump creates what is missing
 * (buffered, 128).
 * @example pump.register(dealer, { recv: chan(sliding(10)) })
 */
export interface RegisterChannels {
  /** A channel of your own to use as `send`. */
  send?: Channel<Message> | undefined;
  /** A channel of your own to use as `recv`. */
  recv?: Channel<Frame[]> | undefined;
}

const KEYS = ["bind", "connect", "subscribe", "join", "options", "send", "recv"];

// Options that cannot work under the pump on any kind, and why (socket() and set(),
// control.ts; a kind's own refusals are in its row of kinds.ts). The pump drives every socket
// with timeouts 0 (the fast path); `sendTimeout` is accepted and means "give up on a blocked
// send after this long" (P6).
export const REFUSED: Readonly<Record<string, string>> = {
  receiveTimeout: "is managed by the pump; to wait with a limit, select on recv and timeout(ms)",
};

/** The longest delay Node's timers take (2³¹ − 1 ms; beyond it they fire at once). */
export const MAX_WAIT_MS = 2_147_483_647;

/**
 * `sendTimeout`, given to socket() or set() (`what` names it there): a whole number of ms from
 * -1 (wait for ever) to MAX_WAIT_MS, the one rule for both calls.
 */
export function checkSendTimeout(value: unknown, what: string): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < -1 || value > MAX_WAIT_MS) {
    throw new TypeError(
      `${what} must be an integer from -1 (wait for ever) to ${MAX_WAIT_MS} (ms), got ${describeValue(value)}`,
    );
  }
}

/** What socket() does, once its options were checked. */
export interface Plan {
  /** zeromq options to create the socket with (`sendTimeout` is the pump's to apply). */
  options: Readonly<Record<string, unknown>>;
  /** A REQ created with `relaxed`: it may send before the reply (kinds.ts `freesSending`). */
  freesSending: boolean;
}

/**
 * Checks `socket()`'s kind and opts; throws a TypeError naming the first thing wrong, before
 * any socket exists. `info` is the kind looked up from `type` (undefined: unknown).
 */
export function plan(
  engine: Engine,
  info: KindInfo | undefined,
  type: unknown,
  opts: unknown,
): Plan {
  if (info === undefined) {
    throw new TypeError(
      `socket(${JSON.stringify(type)}): unknown socket kind ` +
        `(expected one of ${Object.keys(KINDS).join(", ")})`,
    );
  }
  const call = `socket("${info.kind}", opts)`;
  checkOpts(call, opts, KEYS);
  const o = opts as Record<string, unknown>;
  for (const key of ["bind", "connect", "subscribe", "join"]) {
    const v = o[key];
    if (v === undefined) continue;
    const list = Array.isArray(v) ? (v as unknown[]) : [v];
    list.forEach((x, i) => {
      if (typeof x !== "string") {
        const at = Array.isArray(v) ? ` at ${key}[${i}]` : "";
        throw new TypeError(
          `${call}: ${key} must be a string or string[], got ${describeValue(x)}${at}`,
        );
      }
      const tooLong = key === "join" ? groupTooLong(x) : undefined;
      if (tooLong !== undefined) throw new TypeError(`${call}: join has ${tooLong}`);
    });
  }
  if (o.subscribe !== undefined && !info.subscribes) {
    throw new TypeError(
      `${call}: a ${info.kind} socket cannot subscribe ` +
        `(only sub; an xsub subscribes by sending "\\x01topic")`,
    );
  }
  if (o.join !== undefined && info.joins !== true) {
    throw new TypeError(`${call}: a ${info.kind} socket cannot join groups (only dish)`);
  }
  checkChannels(`socket("${info.kind}")`, o);
  const options = o.options ?? {};
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${call}: options must be an object`);
  }
  const refused = { ...REFUSED, ...info.refuses };
  for (const name of Object.keys(options)) {
    if (!engine.hasOption(info, name)) {
      throw new TypeError(
        `socket("${info.kind}"): unknown option "${name}" for a ${info.kind} socket ` +
          `(option names are zeromq.js v6's, e.g. sendHighWaterMark, linger, routingId)`,
      );
    }
    if (Object.prototype.hasOwnProperty.call(refused, name)) {
      throw new TypeError(`socket("${info.kind}"): option "${name}" ${refused[name]}`);
    }
  }
  const given = options as Record<string, unknown>;
  if (given.sendTimeout !== undefined) {
    checkSendTimeout(given.sendTimeout, `socket("${info.kind}"): option "sendTimeout"`);
  }
  const frees = info.freesSending;
  return { options: given, freesSending: frees !== undefined && given[frees] === true };
}

/**
 * Creates the socket and sets it up in order: options (at creation), each `bind` (awaited),
 * each `connect`, the subscriptions and groups joined. On a failure the socket is closed and the error thrown.
 */
export async function open(
  engine: Engine,
  info: KindInfo,
  options: Readonly<Record<string, unknown>>,
  opts: Pick<SocketOptions, "bind" | "connect" | "subscribe" | "join">,
): Promise<{ socket: EngineSocket; endpoints: string[] }> {
  const socket = engine.create(info, options);
  try {
    return { socket, endpoints: await bindAndConnect(socket, info.kind, opts) };
  } catch (e) {
    socket.close();
    throw e;
  }
}

/**
 * The endpoint a bind reports: libzmq's ZMQ_LAST_ENDPOINT, which for udp lacks the scheme
 * ("127.0.0.1:5555"), given back with it as every other transport's is.
 */
export function boundEndpoint(address: string, bound: string): string {
  if (bound.includes("://")) return bound;
  const scheme = /^[a-z]+:\/\//i.exec(address);
  return scheme === null ? bound : scheme[0] + bound;
}

async function bindAndConnect(
  socket: EngineSocket,
  kind: string,
  opts: Pick<SocketOptions, "bind" | "connect" | "subscribe" | "join">,
): Promise<string[]> {
  const endpoints: string[] = [];
  for (const address of list(opts.bind)) {
    const bound = await endpointCall("bind", kind, address, (at) => socket.bind(at));
    endpoints.push(boundEndpoint(address, bound));
  }
  for (const address of list(opts.connect)) {
    endpointCall("connect", kind, address, (at) => socket.connect(at));
    endpoints.push(address);
  }
  const topics = list(opts.subscribe);
  if (topics.length > 0) socket.subscribe(topics);
  const groups = list(opts.join);
  if (groups.length > 0) groupCall("join", groups, (g) => socket.join([g]));
  return endpoints;
}

/** Throws a TypeError unless `send` and `recv`, where given, are Channels. */
/** register()'s `chans`: an object, its channels Channels. */
export function checkRegisterChannels(chans: RegisterChannels): void {
  checkOpts("register(socket, chans)", chans, ["send", "recv"]);
  checkChannels("register()", chans);
}

export function checkChannels(call: string, chans: RegisterChannels): void {
  for (const key of ["send", "recv"] as const) {
    const ch = chans[key];
    if (ch !== undefined && !(ch instanceof Channel)) {
      const foreign = isChannelByName(ch)
        ? ", and this one is from another copy of it (two versions are installed: " +
          "`npm ls @sluice/channels`; one copy must serve every package)"
        : "";
      throw new TypeError(
        `${call}: ${key} must be a Channel from @sluice/channels${foreign || `, got ${describeValue(ch)}`}`,
      );
    }
  }
}

// A Channel by its class's name: one made by another copy of @sluice/channels.
function isChannelByName(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === "Channel") return true;
  }
  return false;
}

function list(v: string | readonly string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === "string" ? [v] : [...v];
}
