// reqrep: request/reply done right. serve() answers on a ROUTER, several requests at once, each
// reply with its own envelope; requester() sends from many tasks over one DEALER, and each
// request gets its own reply. Then the outcomes a request can have besides its reply: a
// TimeoutError after the last try, the abort reason, a handler's failure on pump.errors; and a
// requester over a REQ made relaxed and correlated, libzmq's cure for the stuck REQ.
import { timeout } from "@sluice/channels";
import { Pump, requester, serve } from "@sluice/zmq-channels";
import { inproc, runAsProgram, type Program } from "./cli";

export interface ReqrepOptions {
  /** Tasks sending on the one DEALER at once (default 10). */
  tasks?: number | undefined;
  /** Requests each task sends, one after the other (default 10). */
  requests?: number | undefined;
}

export interface ReqrepResult {
  /** Replies that were the answer to their own request, and those that were not (never). */
  own: number;
  mismatched: number;
  /** The most handlers that ran at once (at most the concurrency, 4). */
  mostAtOnce: number;
  /** What the slow request, the aborted one and the failing one rejected with. */
  slow: string;
  aborted: string;
  failed: string;
  /** The PumpError the failing handler put on pump.errors: its code and its cause. */
  handlerError: string;
  /** The reply that came over the relaxed, correlated REQ. */
  overReq: string;
}

export async function main(opts: ReqrepOptions = {}): Promise<ReqrepResult> {
  const tasks = opts.tasks ?? 10;
  const requests = opts.requests ?? 10;
  const pump = new Pump();
  const endpoint = inproc("reqrep");
  let running = 0;
  let mostAtOnce = 0;

  // #region serve
  const router = await pump.socket("router", { bind: endpoint });
  const serving = serve(
    router,
    async ([body]) => {
      mostAtOnce = Math.max(mostAtOnce, ++running);
      try {
        const text = body!.toString();
        if (text === "fail") throw new Error("cannot do that");
        await timeout(text === "slow" ? 200 : Number(text.split(".")[1]) % 3).take(); // "work"
        return `done: ${text}`;
      } finally {
        running--;
      }
    },
    { concurrency: 4 }, // up to 4 handlers at once; the replies go out as they finish
  );
  // #endregion serve

  // #region requester
  const dealer = await pump.socket("dealer", { connect: endpoint });
  const client = requester(dealer, { timeout: 1000, retries: 2 });
  let own = 0;
  let mismatched = 0;
  // Many tasks, one socket, no lock: each request resolves with its own reply.
  const senders = Array.from({ length: tasks }, async (_, t) => {
    for (let r = 0; r < requests; r++) {
      const [reply] = await client.request(`${t}.${r}`);
      if (reply!.toString() === `done: ${t}.${r}`) own++;
      else mismatched++;
    }
  });
  await Promise.all(senders);
  // #endregion requester

  // #region outcomes
  const why = (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`;
  // No reply within the timeout, on every try: a TimeoutError.
  const slow = await client.request("slow", { timeout: 50, retries: 1 }).catch(why);
  // Aborting withdraws the request at once: it rejects with the signal's reason, and its reply,
  // should one come, is dropped (never handed to another request).
  const controller = new AbortController();
  const asked = client.request("slow", { signal: controller.signal });
  controller.abort(new Error("changed my mind"));
  const aborted = await asked.catch(why);
  // A handler that throws answers nothing; its error goes on pump.errors (code EHANDLER).
  const failed = await client.request("fail", { timeout: 100, retries: 0 }).catch(why);
  const error = (await pump.errors.take())!;
  const handlerError = `${error.code}: ${(error.cause as Error).message}`;
  // #endregion outcomes

  // #region req
  // A REQ gets stuck when a reply is lost, unless it is relaxed (it may send again) and
  // correlated (it drops replies to older requests): then requester() can use it too, one
  // request at a time.
  const req = await pump.socket("req", {
    connect: endpoint,
    options: { relaxed: true, correlate: true },
  });
  const [reply] = await requester(req, { timeout: 1000, retries: 2 }).request("9.9");
  // #endregion req

  await pump.close();
  await serving;
  return {
    own,
    mismatched,
    mostAtOnce,
    slow: slow instanceof Array ? "a reply" : slow,
    aborted: aborted instanceof Array ? "a reply" : aborted,
    failed: failed instanceof Array ? "a reply" : failed,
    handlerError,
    overReq: reply!.toString(),
  };
}

export const program: Program<ReqrepOptions> = {
  about: "reqrep: requester and serve — many requests over one DEALER, each to its own reply",
  flags: {
    tasks: ["n", "tasks sending on the one DEALER at once (default 10)"],
    requests: ["n", "requests each task sends, one after the other (default 10)"],
  },
};

runAsProgram(module, main, program, (result) => console.log(result));
