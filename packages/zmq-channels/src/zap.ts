// ZeroMQ authentication (ZAP, RFC 27) as a channel of requests (pump.zap). The handler is a
// ROUTER bound to inproc://zeromq.zap.01 in the context of the pump's engine (libzmq asks in
// the context of the socket that handshakes), a socket of that engine pumped like any other;
// this module turns its requests into ZapRequests and their answers back into replies.
//
// Invariants:
// - Every request gets exactly one reply: the first answer (allow/deny) counts, later ones are
//   ignored; unanswered within `timeout` it is denied 500; when the channel is full, 300 at
//   once; of another domain (when `domain` is given), 400 at once; once the application has
//   closed the channel, 400 at once (nobody is left to ask); once the handler is closing, 500
//   (what is pending, and what comes after) before its socket closes.
// - The handler closes after every other socket of its pump (pump.ts): libzmq lets a client
//   in unasked when no handler is bound and the socket does not enforce its domain.
// - One handler per context (the inproc endpoint is the context's), released when it closes.
// - The channel closes once the handler's socket has closed (with the pump).
import { chan, type Channel } from "@sluice/channels";
import * as zmq from "zeromq";
import type { Engine, EngineSocket } from "./engine";
import { checkOpts, describeValue, type Frame } from "./frames";
import { MAX_WAIT_MS } from "./options";
import type { Sockets } from "./sockets";

/**
 * A new CURVE key pair, each key Z85 (40 characters) [zmq_curve_keypair; zeromq.js's
 * curveKeyPair]. A server gives its secret key to `curveSecretKey` and hands its public key
 * out; a client sets `curveServerKey` to it, and its own pair.
 * @example const { publicKey, secretKey } = curveKeyPair();
 */
export function curveKeyPair(): CurveKeyPair {
  return zmq.curveKeyPair();
}

/** A CURVE key pair, as `curveKeyPair()` makes it. */
export interface CurveKeyPair {
  /** Z85, 40 characters: hand it out. */
  publicKey: string;
  /** Z85, 40 characters: keep it. */
  secretKey: string;
}

/** The endpoint libzmq asks for authentication (RFC 27). */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

/**
 * Options of `pump.zap()`.
 * @example pump.zap({ domain: "global", timeout: 2000 })
 */
export interface ZapOptions {
  /** Only requests of this ZAP domain (the sockets' `zapDomain`); others are denied 400. */
  domain?: string | undefined;
  /** How many requests may wait on the channel (default 64); beyond, denied 300 at once. */
  buffer?: number | undefined;
  /** How long a request may stay unanswered (ms, default 5000); then denied 500. */
  timeout?: number | undefined;
}

/**
 * One handshake to authenticate (ZAP, RFC 27) [no core.async counterpart]: answer it with
 * `allow()` or `deny()` when you like; the first answer counts.
 * @example
 * for await (const req of pump.zap()) {
 *   if (req.mechanism === "CURVE" && known.has(req.publicKey!)) req.allow();
 *   else req.deny();
 * }
 */
export interface ZapRequest {
  /** The socket's `zapDomain` ("" when none). */
  readonly domain: string;
  /** The peer's address, as libzmq gives it: its IP over tcp; over ipc (Linux)
   * `localhost:<uid>:<gid>:<pid>` of the connecting process. */
  readonly address: string;
  /** The identity frame libzmq sends: the `routingId` option of the socket that handshakes
   * (this side's own, empty when it has none), not the peer's (ZMQ RFC 27). */
  readonly routingId: Buffer;
  /** The security mechanism of the handshake. */
  readonly mechanism: "NULL" | "PLAIN" | "CURVE";
  /** PLAIN: the client's user name. */
  readonly username?: string | undefined;
  /** PLAIN: the client's password. */
  readonly password?: string | undefined;
  /** CURVE: the client's public key, Z85 (40 characters). */
  readonly publicKey?: string | undefined;
  /** The mechanism's credentials as sent, byte for byte: PLAIN [user name, password] (the
   * strings above are their UTF-8 decoding, which may replace bytes), CURVE [public key, 32
   * bytes], NULL none. */
  readonly credentials: readonly Buffer[];
  /** Lets the peer in (status 200); `userId` becomes the connection's User-Id. */
  allow(userId?: string): void;
  /** Turns the peer away: 300 (try later), 400 (no; the default) or 500 (failure). */
  deny(status?: 300 | 400 | 500, text?: string): void;
}

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Z85 (ZeroMQ RFC 32) of a buffer whose length is a multiple of 4. */
export function z85(data: Buffer): string {
  let out = "";
  for (let i = 0; i + 4 <= data.length; i += 4) {
    let v = data.readUInt32BE(i);
    let chunk = "";
    for (let j = 0; j < 5; j++) {
      chunk = Z85[v % 85]! + chunk;
      v = Math.floor(v / 85);
    }
    out += chunk;
  }
  return out;
}

/** Checks zap()'s options; throws a TypeError naming the first thing wrong. */
export function checkZapOptions(opts: unknown): Required<Omit<ZapOptions, "domain">> & {
  domain: string | undefined;
} {
  checkOpts("zap(opts)", opts, ["domain", "buffer", "timeout"]);
  const { domain, buffer = 64, timeout = 5000 } = opts as ZapOptions;
  if (domain !== undefined && typeof domain !== "string") {
    throw new TypeError(`zap(opts): domain must be a string, got ${describeValue(domain)}`);
  }
  if (!Number.isInteger(buffer) || buffer < 1) {
    throw new TypeError(`zap(opts): buffer must be an integer ≥ 1, got ${describeValue(buffer)}`);
  }
  if (typeof timeout !== "number" || !(timeout > 0 && timeout <= MAX_WAIT_MS)) {
    throw new TypeError(
      `zap(opts): timeout must be a number of ms > 0 and ≤ ${MAX_WAIT_MS}, got ${describeValue(timeout)}`,
    );
  }
  return { domain, buffer, timeout };
}

/** Contexts that have a ZAP handler now (one each: the endpoint is the context's). */
export const zapContexts = new WeakSet<object>();

const MECHANISMS = new Set(["NULL", "PLAIN", "CURVE"]);

/** A ZAP handler being served: its channel of requests, and the end of its serving. */
export interface ZapServed {
  requests: Channel<ZapRequest>;
  /** The handler's socket: the pump closes it after every other. */
  handler: Sockets;
  /** Denies what is pending 500, and all that comes after (the handler is closing). */
  refuse(): void;
  /** Settles once the handler's socket has closed, `requests` is closed and `done` has run. */
  served: Promise<void>;
}

const CLOSING = "the ZAP handler closed";

/**
 * Serves ZAP requests arriving on `handler` (a ROUTER bound to ZAP_ENDPOINT) on a channel of
 * ZapRequests. `done` runs once the handler's socket has closed.
 */
export function serveZap(
  handler: Sockets,
  opts: ReturnType<typeof checkZapOptions>,
  done: () => void,
): ZapServed {
  const out = chan<ZapRequest>(opts.buffer);
  const pending = new Set<Pending>();
  let closing = false;
  const refuse = (): void => {
    closing = true;
    for (const request of pending) request.deny(500, CLOSING);
  };
  const served = (async () => {
    try {
      for await (const frames of handler.recv) {
        const request = parse(frames, handler, pending, opts.timeout);
        if (request === undefined) continue;
        if (closing) {
          request.deny(500, CLOSING);
        } else if (opts.domain !== undefined && request.domain !== opts.domain) {
          request.deny(400, `domain "${request.domain}" is not served`);
        } else if (out.closed) {
          request.deny(400, "the ZAP channel was closed");
        } else if (!out.offer(request)) {
          request.deny(300, "too many pending requests");
        }
      }
    } finally {
      refuse(); // (the socket closed under what is pending)
      out.close();
      done();
    }
  })();
  return { requests: out, handler, refuse, served };
}

/** A request not answered yet: how to turn it away. */
interface Pending {
  deny(status: 500, text: string): void;
}

// [routing id, "", version, request id, domain, address, identity, mechanism, credentials…]
function parse(
  frames: Frame[],
  handler: Sockets,
  pending: Set<Pending>,
  timeout: number,
): ZapRequest | undefined {
  const [peer, empty, version, requestId, domain, address, identity, mechanism, ...creds] = frames;
  if (peer === undefined || empty?.length !== 0 || version?.toString() !== "1.0") return undefined;
  if (requestId === undefined || mechanism === undefined) return undefined;
  let answered = false;
  const answer = (status: string, text: string, userId: string): void => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    pending.delete(request);
    void handler.send.put([peer, "", "1.0", requestId, status, text, userId, ""]);
  };
  const timer = setTimeout(() => answer("500", `no answer within ${timeout} ms`, ""), timeout);
  const name = mechanism.toString();
  const request: ZapRequest = {
    domain: domain?.toString() ?? "",
    address: address?.toString() ?? "",
    routingId: identity ?? Buffer.alloc(0),
    mechanism: (MECHANISMS.has(name) ? name : "NULL") as ZapRequest["mechanism"],
    ...(name === "PLAIN"
      ? { username: creds[0]?.toString() ?? "", password: creds[1]?.toString() ?? "" }
      : {}),
    ...(name === "CURVE" && creds[0]?.length === 32 ? { publicKey: z85(creds[0]) } : {}),
    credentials: Object.freeze(creds),
    allow: (userId = "") => {
      // (a user id is what the server's socket reads back as the peer's User-Id: no guessing)
      if (typeof userId !== "string") {
        throw new TypeError(`allow(userId): userId must be a string, got ${describeValue(userId)}`);
      }
      answer("200", "OK", userId);
    },
    deny: (status = 400, text = "denied") => {
      if (status !== 300 && status !== 400 && status !== 500) {
        throw new TypeError(
          `deny(status): status must be 300, 400 or 500, got ${describeValue(status)}`,
        );
      }
      if (typeof text !== "string") {
        throw new TypeError(
          `deny(status, text): text must be a string, got ${describeValue(text)}`,
        );
      }
      answer(String(status), text, "");
    },
  };
  pending.add(request);
  return Object.freeze(request);
}

/**
 * pump.zap()'s setup: checks `opts`, binds a handler in the context of the pump's `engine`
 * (zeromq.js's: the pump's context or the default one; the native engine's own) and has
 * `adopt` pump it. The pump's close() awaits `served`, so that a zap() made once it has
 * resolved finds the context free.
 */
export function openZap(
  engine: Engine,
  opts: ZapOptions,
  adopt: (router: EngineSocket) => Sockets,
): ZapServed {
  const checked = checkZapOptions(opts);
  const ctx = engine.context;
  if (zapContexts.has(ctx)) {
    throw new Error(
      `zap(): the ${engine.name} engine's context of this pump already has a ZAP handler ` +
        `(${ZAP_ENDPOINT}); one per context`,
    );
  }
  let router: EngineSocket;
  try {
    router = bindZap(engine);
  } catch (e) {
    throw new Error(`zap(): could not bind ${ZAP_ENDPOINT} (another ZAP handler?): ${String(e)}`, {
      cause: e,
    });
  }
  zapContexts.add(ctx);
  const handler = adopt(router);
  return serveZap(handler, checked, () => zapContexts.delete(ctx));
}

// A ZAP handler of a pump that just closed still holds the endpoint until libzmq's reaper
// thread has closed its socket (inproc endpoints are released there, not at close()): a
// zap() right after such a close waits for that, up to 200 ms, before it reports the
// endpoint as taken. (zap() is synchronous, and is called once per pump.)
function bindZap(engine: Engine): EngineSocket {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    try {
      return engine.boundRouter(ZAP_ENDPOINT);
    } catch (e) {
      if ((e as { code?: unknown }).code !== "EADDRINUSE" || tries >= 40) throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
