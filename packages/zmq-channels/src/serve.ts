// serve(): the server side of request/reply. Over a ROUTER it is the guide's asyncsrv worker
// without envelope juggling: each request is split into its envelope and its body, the handler
// sees the body, and the reply goes back with the envelope, up to `concurrency` at once. Over a
// REP, libzmq keeps the envelope, and the lockstep allows one request at a time.
//
// Invariants:
// - At most `concurrency` handlers run at once; a request is taken from recv only when one of
//   them may start, so a flood waits in recv and in ZeroMQ's queues (back-pressure), not here.
// - Every request taken gets exactly one outcome: its reply put on send, or a PumpError
//   (EHANDLER) on pump.errors; over a REP the failure also answers one empty frame, since a REP
//   must answer before it can receive again.
// - No handler starts once send is closed: its reply could not go out.
// - The promise resolves only after recv or send closed and every started handler's outcome
//   was put.
import type { Sockets } from "./sockets";
import { PumpError } from "./errors";
import { checkOpts, messageProblem, type Frame, type Message } from "./frames";
import type { SocketHooks } from "./hooks";
import { checkCount, claim } from "./reqrep";

/**
 * serve()'s options.
 * @example serve(router, handler, { concurrency: 8 })
 */
export interface ServeOptions {
  /** Handlers running at once (default 1). Over a rep it must be 1. */
  concurrency?: number | undefined;
}

/**
 * What serve() calls per request: it gets the request's body frames and returns (or resolves
 * with) the reply. Throwing (or rejecting) answers nothing over a router, one empty frame over a
 * rep, and puts a PumpError with code "EHANDLER" on pump.errors.
 * @example const echo: Handler = (request) => request;
 */
export type Handler = (request: Frame[]) => Message | Promise<Message>;

const EMPTY = Buffer.alloc(0);

/**
 * [no core.async counterpart; the guide's asyncsrv worker and rrworker as a function; Go: an
 * http.Handler served with a limit] Answers every request that arrives on `sockets` with what
 * `handler` returns, until recv closes (the socket closed). Over a `router`, up to
 * `concurrency` handlers at once, each reply sent with its own request's envelope (the
 * identity up to and including the first empty frame, or just the identity when there is
 * none), so it answers REQ, DEALER-with-delimiter and requester() clients alike. Over a `rep`,
 * one at a time. serve owns the socket's `recv`. Resolves once the socket has closed (recv or
 * send closed) and every started handler's reply was put; it never rejects. Once `send` is
 * closed, requests still waiting in `recv` start no handler (no reply could go out). A kind
 * other than router or rep, a concurrency other than 1 on a rep, or a handler that is not a
 * function, is a TypeError.
 * @example
 * const router = await pump.socket("router", { bind: "tcp://127.0.0.1:5555" });
 * const done = serve(router, async ([name]) => `Hello ${name}`, { concurrency: 16 });
 * // ...later: router.send.close() (or pump.close()), then `await done`
 */
export function serve(sockets: Sockets, handler: Handler, opts: ServeOptions = {}): Promise<void> {
  const who = "serve()";
  if (typeof handler !== "function") {
    throw new TypeError(`${who}: handler must be a function (request frames → reply message)`);
  }
  checkOpts(who, opts, ["concurrency"]);
  const concurrency = checkCount(who, "concurrency", opts.concurrency, 1) ?? 1;
  const hooks = claim(sockets, who, ({ kind }) => {
    if (kind === "router") return;
    if (kind === "rep") {
      if (concurrency === 1) return;
      throw new TypeError(
        `${who}: a rep socket answers one request at a time, so concurrency must be 1 ` +
          `(got ${concurrency}); for more at once, serve a router`,
      );
    }
    throw new TypeError(`${who}: needs a router or a rep socket, got a ${kind} socket`);
  });
  return run(sockets, handler, concurrency, hooks);
}

async function run(
  sockets: Sockets,
  handler: Handler,
  concurrency: number,
  hooks: SocketHooks,
): Promise<void> {
  const overRep = hooks.kind === "rep";
  const { recv, send } = sockets;
  let running = 0;
  let wake: (() => void) | undefined;
  const finished = (): void => {
    running--;
    const w = wake;
    wake = undefined;
    w?.();
  };

  // One request: its handler, then its outcome. Never rejects.
  const answer = async (envelope: Frame[], request: Frame[]): Promise<void> => {
    let reply: Message;
    try {
      reply = await handler(request);
      const problem = messageProblem(reply);
      if (problem !== undefined) {
        throw new TypeError(`the handler's reply is not a Message: ${problem}`);
      }
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const where = `${hooks.kind} socket${sockets.endpoints.length > 0 ? " " + sockets.endpoints.join(", ") : ""}`;
      hooks.report(
        new PumpError(`serve(): the handler failed: ${why} (EHANDLER) on ${where}`, {
          code: "EHANDLER",
          kind: hooks.kind,
          endpoints: sockets.endpoints,
          cause: e,
        }),
      );
      if (overRep) await send.put(EMPTY);
      return;
    }
    if (overRep) await send.put(reply);
    else await send.put([...envelope, ...(Array.isArray(reply) ? reply : [reply])]);
  };

  for (;;) {
    while (running >= concurrency) await new Promise<void>((resolve) => (wake = resolve));
    // Once send is closed (the socket closes with it), no reply can go out: what still waits
    // in recv is left there rather than handled for nothing.
    if (send.closed) break;
    const message = recv.poll() ?? (await recv.take());
    if (message === undefined || send.closed) break;
    let envelope: Frame[] = [];
    let request = message;
    if (!overRep) {
      const end = message.findIndex((frame, i) => i > 0 && frame.length === 0);
      const split = end < 0 ? 1 : end + 1;
      envelope = message.slice(0, split);
      request = message.slice(split);
    }
    running++;
    void answer(envelope, request).then(finished, (e: unknown) => {
      hooks.report(
        new PumpError(`sluice bug: serve() failed: ${String(e)} (EBUG)`, {
          code: "EBUG",
          kind: hooks.kind,
          endpoints: sockets.endpoints,
          cause: e,
        }),
      );
      finished();
    });
  }
  while (running > 0) await new Promise<void>((resolve) => (wake = resolve));
}
