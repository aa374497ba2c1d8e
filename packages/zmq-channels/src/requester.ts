// requester(): the client side of request/reply over one socket, from any number of tasks.
//
// Over a DEALER each try goes out as [id, "", ...body], the id a 4-byte big-endian counter;
// a REP server or an envelope-preserving ROUTER broker sends the envelope back unchanged, so
// the id says whose reply it is. Over a REQ made with relaxed + correlate, libzmq puts its own
// id there and keeps only the latest request's reply, so requests go one at a time.
//
// Invariants: requester-engine.ts.
import { checkOpts, type Message } from "./frames";
import { checkCount, checkTimeout, claim } from "./reqrep";
import { RequesterEngine } from "./requester-engine";
import type { Sockets } from "./sockets";
import {
  DEFAULT_REQUEST_TIMEOUT,
  type Requester,
  type RequesterOptions,
  type RequestOptions,
} from "./requester-types";

export type { Requester, RequesterOptions, RequestOptions };

/**
 * [no core.async counterpart; the guide's Lazy Pirate client as a function; Go: an RPC client's
 * Call with a context] Makes `sockets` a requester: `request()` sends and resolves with that
 * request's own reply, from any number of tasks at once. Over a `dealer`, many requests are in
 * flight together, each try carrying an id envelope that any REP server or envelope-preserving
 * ROUTER broker sends back unchanged. Over a `req` made with
 * `pump.socket("req", { options: { relaxed: true, correlate: true } })`, one request at a time,
 * in call order. The requester owns the socket's `recv`. Any other socket is a TypeError.
 * @example
 * const dealer = await pump.socket("dealer", { connect: "tcp://127.0.0.1:5555" });
 * const client = requester(dealer, { timeout: 1000, retries: 2 });
 * const [reply] = await client.request("Hello"); // from a REP server, or a ROUTER behind a broker
 */
export function requester(sockets: Sockets, opts: RequesterOptions = {}): Requester {
  const who = "requester()";
  checkOpts(who, opts, ["timeout", "retries"]);
  const timeout = checkTimeout(who, opts.timeout) ?? DEFAULT_REQUEST_TIMEOUT;
  const retries = checkCount(who, "retries", opts.retries, 0) ?? 0;
  let overReq = false;
  claim(sockets, who, ({ kind, relaxed, correlate }) => {
    if (kind === "dealer") return;
    if (kind === "req" && relaxed && correlate) {
      overReq = true;
      return;
    }
    if (kind === "req") {
      throw new TypeError(
        `${who}: a req socket gets stuck when a reply is lost; create it with ` +
          `pump.socket("req", { options: { relaxed: true, correlate: true } }) ` +
          `(a registered req cannot show it has them), or use a dealer`,
      );
    }
    throw new TypeError(
      `${who}: needs a dealer (or a req created with options { relaxed: true, correlate: true }), ` +
        `got a ${kind} socket`,
    );
  });
  const engine = new RequesterEngine(sockets, overReq, timeout, retries);
  return Object.freeze({
    request: (message: Message, o?: RequestOptions) => engine.request(message, o),
    close: () => engine.close(),
  });
}
