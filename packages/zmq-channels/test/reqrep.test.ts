// requester() and serve(): each request gets its own reply or a clear rejection (timeout, abort,
// close), never another request's; serve answers each request with its own envelope, at most
// `concurrency` at once; misuse is a TypeError at the call.
import { getEventListeners, setMaxListeners } from "node:events";
import * as zmq from "zeromq";
import { chan } from "@sluice/channels";
import {
  Pump,
  PumpError,
  requester,
  serve,
  TimeoutError,
  type Frame,
  type Sockets,
} from "@sluice/zmq-channels";
import { address, collected, takeWithin, text, TRANSPORTS, within } from "./helpers";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// An unhandled rejection (what the abort races must never produce) fails the test it happens
// in: jest's environment reports it as that test's error.
let pump: Pump;
beforeEach(() => {
  pump = new Pump();
});
afterEach(() => pump.close());

/** A ROUTER the test answers by hand: each request as [identity, id, "", body] in order. */
async function manualServer(transport: (typeof TRANSPORTS)[number] = "inproc") {
  const router = await pump.socket("router", { bind: address(transport) });
  return {
    router,
    endpoint: router.endpoints[0]!,
    next: (ms = 5000) => takeWithin(router.recv, ms, "a request"),
    answer: (request: Frame[], reply: string) => router.send.put([...request.slice(0, 3), reply]),
  };
}

describe("requester() over a dealer", () => {
  describe.each(TRANSPORTS)("over %s", (transport) => {
    it("gives 200 concurrent requests from 20 tasks each its own reply, answered out of order", async () => {
      const rep = await pump.socket("router", { bind: address(transport) });
      // Replies in a shuffled order: each handler waits a little, differently per request.
      const serving = serve(
        rep,
        async ([body]) => {
          await sleep(Number(body!.toString().split(".")[1]) % 7);
          return `re: ${body}`;
        },
        { concurrency: 32 },
      );
      const dealer = await pump.socket("dealer", { connect: rep.endpoints[0] });
      const client = requester(dealer, { timeout: 10_000 });
      const tasks = Array.from({ length: 20 }, async (_, t) => {
        for (let r = 0; r < 10; r++) {
          const [reply] = await client.request(`${t}.${r}`);
          expect(reply!.toString()).toBe(`re: ${t}.${r}`);
        }
      });
      await within(Promise.all(tasks), 20_000, "200 requests");
      rep.send.close();
      await serving;
    });
  });

  it("talks to a REP server through its envelope: the REP sees the body, the reply comes back", async () => {
    const rep = await pump.socket("rep", { bind: address("inproc") });
    const seen: string[][] = [];
    const serving = serve(rep, (request) => {
      seen.push(text(request));
      return ["a", "b"];
    });
    const client = requester(await pump.socket("dealer", { connect: rep.endpoints[0] }));
    expect(text(await client.request(["x", "y"]))).toEqual(["a", "b"]);
    expect(seen).toEqual([["x", "y"]]);
    rep.send.close();
    await serving;
  });

  it("sends each try as [4-byte id, empty, ...body], with a new id per try", async () => {
    const server = await manualServer();
    const client = requester(await pump.socket("dealer", { connect: server.endpoint }), {
      timeout: 100,
      retries: 1,
    });
    const asked = client.request("hi");
    const first = await server.next();
    const second = await server.next(); // the retry, after 100 ms unanswered
    for (const r of [first, second]) {
      expect(r).toHaveLength(4);
      expect(r[1]!.length).toBe(4);
      expect(r[2]!.length).toBe(0);
      expect(r[3]!.toString()).toBe("hi");
    }
    expect(first[1]!.equals(second[1]!)).toBe(false);
    expect(second[1]!.readUInt32BE(0)).toBe(first[1]!.readUInt32BE(0) + 1);
    await server.answer(second, "ok");
    expect(text(await asked)).toEqual(["ok"]);
  });

  it("resolves with a reply to an earlier try of the same request, and drops the later one", async () => {
    const server = await manualServer();
    const client = requester(await pump.socket("dealer", { connect: server.endpoint }), {
      timeout: 100,
      retries: 2,
    });
    const asked = client.request("slow");
    const first = await server.next();
    const second = await server.next();
    await server.answer(first, "from try 1");
    expect(text(await asked)).toEqual(["from try 1"]);
    await server.answer(second, "from try 2"); // late: must not reach the next request
    const next = client.request("next");
    const third = await server.next();
    expect(text(third.slice(3))).toEqual(["next"]);
    await server.answer(third, "for next");
    expect(text(await next)).toEqual(["for next"]);
  });

  it("rejects with a TimeoutError after the last try, and drops the reply that comes after", async () => {
    const server = await manualServer();
    const client = requester(await pump.socket("dealer", { connect: server.endpoint }));
    const started = Date.now();
    const asked = client.request("a", { timeout: 60, retries: 2 });
    const tries = [await server.next(), await server.next(), await server.next()];
    await expect(asked).rejects.toThrow(TimeoutError);
    await expect(asked).rejects.toThrow("no reply within 60 ms (each of 3 tries)");
    expect(Date.now() - started).toBeGreaterThanOrEqual(170);
    expect(await server.router.recv.poll()).toBeUndefined(); // no fourth try
    // The late replies, then the next request's own: only its own is delivered.
    const next = client.request("b", { timeout: 5000 });
    const own = await server.next();
    for (const t of tries) await server.answer(t, "late");
    await server.answer(own, "own");
    expect(text(await next)).toEqual(["own"]);
  });

  it("times out when nobody is there to send to (the try waits in send)", async () => {
    const dealer = await pump.socket("dealer", {
      connect: address("tcp").replace("*", "1"),
      options: { linger: 0 },
    });
    const client = requester(dealer, { timeout: 50 });
    await expect(client.request("anyone?")).rejects.toBeInstanceOf(TimeoutError);
  });

  // Regression: every try that waited for room put on send, and a channel holds at most 1024
  // waiting puts (C1): the next requests rejected with that channel's RangeError and stayed
  // registered, and a retry's put threw it from a timer, which ended the process.
  it("lets any number of requests wait for room in send: each times out (retries too)", async () => {
    const dealer = await pump.socket("dealer", {
      connect: address("tcp").replace("*", "1"),
      options: { linger: 0 },
    });
    const client = requester(dealer, { timeout: 150, retries: 1 });
    const signal = new AbortController().signal;
    setMaxListeners(0, signal); // one listener per pending request: that many is intended
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1500 }, (_, i) => client.request(`${i}`, { signal })),
    );
    const reasons = outcomes.map((o) => (o.status === "rejected" ? o.reason : o.value));
    expect(reasons.filter((r) => !(r instanceof TimeoutError))).toEqual([]);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("sends the requests that waited for room in call order once a peer comes, each answered", async () => {
    const endpoint = address("ipc");
    const dealer = await pump.socket("dealer", { connect: endpoint });
    const client = requester(dealer, { timeout: 20_000 });
    const n = 1500; // more than send's buffer and its 1024 waiting puts together
    const asked = Array.from({ length: n }, (_, i) => client.request(`${i}`));
    await sleep(20);
    const router = await pump.socket("router", { bind: endpoint });
    const order: number[] = [];
    const served = serve(router, ([body]) => {
      order.push(Number(body!.toString()));
      return `re ${body!.toString()}`;
    });
    const replies = await within(Promise.all(asked), 15_000, "every reply");
    expect(replies.map((r) => text(r)[0])).toEqual(asked.map((_, i) => `re ${i}`));
    expect(order).toEqual(asked.map((_, i) => i));
    router.send.close();
    await served;
  });

  it("drops replies that are not an envelope of its own and keeps waiting", async () => {
    const server = await manualServer();
    const client = requester(await pump.socket("dealer", { connect: server.endpoint }));
    const asked = client.request("q");
    const request = await server.next();
    const [identity, id] = request;
    await server.router.send.put([identity!, "no envelope"]);
    await server.router.send.put([identity!, Buffer.from([0, 0, 0, 99]), "", "unknown id"]);
    await server.router.send.put([identity!, id!, "not empty", "bad delimiter"]);
    await server.router.send.put([identity!, id!, "", "mine"]);
    expect(text(await asked)).toEqual(["mine"]);
  });

  describe("abort", () => {
    it("an aborted signal rejects at once with its reason and sends nothing", async () => {
      const server = await manualServer();
      const client = requester(await pump.socket("dealer", { connect: server.endpoint }));
      const reason = new Error("never mind");
      await expect(client.request("x", { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      const after = client.request("y");
      const only = await server.next();
      expect(text(only.slice(3))).toEqual(["y"]);
      await server.answer(only, "for y");
      expect(text(await after)).toEqual(["for y"]);
    });

    it("withdraws a try that still waits for room in send: it never goes out", async () => {
      // Nobody to send to yet: the lane holds one try and send's buffer (128) the next ones, so
      // the last tries wait in puts; one of those is aborted before the server comes up.
      const endpoint = address("ipc");
      const dealer = await pump.socket("dealer", { connect: endpoint, options: { linger: 0 } });
      const client = requester(dealer, { timeout: 10_000 });
      const controller = new AbortController();
      const asked = Array.from({ length: 140 }, (_, i) =>
        client.request(`${i}`, i === 135 ? { signal: controller.signal } : {}).then(
          (reply) => text(reply),
          (e: unknown) => e,
        ),
      );
      controller.abort(new Error("withdrawn"));
      const router = await pump.socket("router", { bind: endpoint });
      const seen: string[] = [];
      const serving = serve(router, ([body]) => {
        seen.push(body!.toString());
        return body!;
      });
      const outcomes = await within(Promise.all(asked), 10_000, "139 replies");
      expect((outcomes[135] as Error).message).toBe("withdrawn");
      outcomes.forEach((o, i) => i !== 135 && expect(o).toEqual([`${i}`]));
      expect(seen).toHaveLength(139);
      expect(seen).not.toContain("135");
      router.send.close();
      await serving;
    });

    // Where the abort lands relative to the request's life; each must either deliver the
    // request's own reply or reject with the reason, never anything else.
    const WHEN: Record<string, (abort: () => void) => void> = {
      "at once": (abort) => abort(),
      "in a microtask": (abort) => queueMicrotask(abort),
      "after a few microtasks": (abort) => void Promise.resolve().then().then().then(abort),
      "on setImmediate": (abort) => void setImmediate(abort),
      "on a 0 ms timer": (abort) => void setTimeout(abort, 0),
      "on a 1 ms timer": (abort) => void setTimeout(abort, 1),
    };

    it.each(Object.keys(WHEN))(
      "%s: every request gets its own reply or the abort reason, never another's",
      async (when) => {
        const rep = await pump.socket("router", { bind: address("inproc") });
        const serving = serve(rep, (request) => request, { concurrency: 8 });
        const client = requester(await pump.socket("dealer", { connect: rep.endpoints[0] }));
        const outcomes = await Promise.allSettled(
          Array.from({ length: 200 }, (_, i) => {
            const controller = new AbortController();
            const reason = new Error(`abort ${i}`);
            const asked = client.request(`r${i}`, { signal: controller.signal });
            if (i % 2 === 0) WHEN[when]!(() => controller.abort(reason));
            return asked.then(
              (reply) => ({ i, reply: text(reply) }),
              (e: unknown) => {
                expect(e).toBe(reason);
                return { i, aborted: true };
              },
            );
          }),
        );
        for (const o of outcomes) {
          expect(o.status).toBe("fulfilled");
          const v = (o as PromiseFulfilledResult<{ i: number; reply?: string[] }>).value;
          if (v.reply !== undefined) expect(v.reply).toEqual([`r${v.i}`]);
          else expect(v.i % 2).toBe(0);
        }
        rep.send.close();
        await serving;
      },
    );

    it("as the reply arrives: aborted in the reply's own turn, it stays aborted and the next gets its own", async () => {
      const server = await manualServer();
      const client = requester(await pump.socket("dealer", { connect: server.endpoint }));
      for (let round = 0; round < 20; round++) {
        const controller = new AbortController();
        const reason = new Error(`round ${round}`);
        const asked = client.request(`a${round}`, { signal: controller.signal });
        const request = await server.next();
        // The reply and the abort race: the abort is queued around the moment it is put.
        const abortAt = round % 4;
        if (abortAt === 0) controller.abort(reason);
        const put = server.answer(request, `a${round}`);
        if (abortAt === 1) controller.abort(reason);
        if (abortAt === 2) queueMicrotask(() => controller.abort(reason));
        if (abortAt === 3) setImmediate(() => controller.abort(reason));
        await put;
        const outcome = await asked.then(text, (e: unknown) => e);
        if (outcome instanceof Error) expect(outcome).toBe(reason);
        else expect(outcome).toEqual([`a${round}`]);
        if (abortAt === 0 || abortAt === 1) expect(outcome).toBe(reason);
        const probe = client.request(`b${round}`);
        const next = await server.next();
        await server.answer(next, `b${round}`);
        expect(text(await probe)).toEqual([`b${round}`]);
      }
    });
  });

  it("close() rejects pending requests and later ones with an Error; the socket stays usable", async () => {
    const server = await manualServer();
    const dealer = await pump.socket("dealer", { connect: server.endpoint });
    const client = requester(dealer);
    const pending = client.request("p");
    await server.next();
    client.close();
    await expect(pending).rejects.toThrow("the requester was closed");
    await expect(client.request("q")).rejects.toThrow("the requester was closed");
    // Given back: the socket can have a new requester.
    const again = requester(dealer);
    const asked = again.request("r");
    await server.answer(await server.next(), "for r");
    expect(text(await asked)).toEqual(["for r"]);
  });

  it("a later requester on the same socket never takes a reply meant for an earlier one", async () => {
    const server = await manualServer();
    const dealer = await pump.socket("dealer", { connect: server.endpoint });
    const first = requester(dealer);
    const late = first.request("p").catch((e: Error) => e.message);
    const stale = await server.next(); // the first requester's request, not answered yet
    first.close();
    expect(await late).toMatch("the requester was closed");
    const second = requester(dealer);
    const asked = second.request("q");
    const fresh = await server.next();
    await server.answer(stale, "for p"); // the late reply comes first: dropped
    await server.answer(fresh, "for q");
    expect(text(await asked)).toEqual(["for q"]);
  });

  it("rejects pending requests with an Error when the socket closes", async () => {
    const server = await manualServer();
    const dealer = await pump.socket("dealer", { connect: server.endpoint });
    const { request } = requester(dealer); // the methods are closures
    const pending = request("p");
    await server.next();
    dealer.send.close();
    await expect(pending).rejects.toThrow("the socket closed before the reply came");
    await expect(request("q")).rejects.toThrow("request(): the requester's socket is closed");
  });
});

describe("requester() over a req with relaxed and correlate", () => {
  const relaxedReq = (endpoint: string) =>
    pump.socket("req", { connect: endpoint, options: { relaxed: true, correlate: true } });

  it("sends one request at a time, in call order, each with its own reply", async () => {
    const rep = await pump.socket("rep", { bind: address("inproc") });
    const order: string[] = [];
    const serving = serve(rep, async ([body]) => {
      order.push(body!.toString());
      await sleep(2);
      return `re: ${body}`;
    });
    const client = requester(await relaxedReq(rep.endpoints[0]!));
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.request(`${i}`).then(text)),
    );
    expect(replies).toEqual(Array.from({ length: 10 }, (_, i) => [`re: ${i}`]));
    expect(order).toEqual(Array.from({ length: 10 }, (_, i) => `${i}`));
    rep.send.close();
    await serving;
  });

  it("recovers from a lost reply by retrying on the same socket (the Lazy Pirate, unstuck)", async () => {
    const router = await pump.socket("router", { bind: address("inproc") });
    const client = requester(await relaxedReq(router.endpoints[0]!), { timeout: 80, retries: 1 });
    const asked = client.request("once");
    const lost = await takeWithin(router.recv); // [identity, libzmq's id, "", "once"]
    expect(lost).toHaveLength(4);
    const retry = await takeWithin(router.recv);
    expect(text(retry.slice(3))).toEqual(["once"]);
    await router.send.put([...lost.slice(0, 3), "late"]); // libzmq drops this one
    await router.send.put([...retry.slice(0, 3), "answered"]);
    expect(text(await asked)).toEqual(["answered"]);
    // After a TimeoutError the next request still goes out and gets its own reply.
    await expect(client.request("gone", { timeout: 50, retries: 0 })).rejects.toThrow(TimeoutError);
    const unanswered = await takeWithin(router.recv);
    const next = client.request("next");
    const own = await takeWithin(router.recv);
    await router.send.put([...unanswered.slice(0, 3), "stale"]);
    await router.send.put([...own.slice(0, 3), "fresh"]);
    expect(text(await next)).toEqual(["fresh"]);
  });

  it("an abort of a queued request removes it; the active one is unaffected", async () => {
    const router = await pump.socket("router", { bind: address("inproc") });
    const client = requester(await relaxedReq(router.endpoints[0]!));
    const first = client.request("first");
    const controller = new AbortController();
    const second = client.request("second", { signal: controller.signal });
    const third = client.request("third");
    const active = await takeWithin(router.recv);
    controller.abort(new Error("not needed"));
    await expect(second).rejects.toThrow("not needed");
    await router.send.put([...active.slice(0, 3), "1"]);
    expect(text(await first)).toEqual(["1"]);
    const next = await takeWithin(router.recv);
    expect(text(next.slice(3))).toEqual(["third"]);
    await router.send.put([...next.slice(0, 3), "3"]);
    expect(text(await third)).toEqual(["3"]);
  });

  // Regression: requests aborted behind a slow one stayed in the queue, each with its message,
  // until the slow one ended.
  it("lets go of the messages of queued requests aborted behind a slow one", async () => {
    const router = await pump.socket("router", { bind: address("inproc") });
    const client = requester(await relaxedReq(router.endpoints[0]!), { timeout: Infinity });
    const slow = client.request("slow");
    slow.catch(() => {}); // (awaited at the end; a failed expectation must not leave it unhandled)
    await takeWithin(router.recv);
    const n = 200;
    const taken = await collected(async (watch) => {
      for (let i = 0; i < n; i++) {
        const body = Buffer.alloc(1024, i);
        watch(body);
        const controller = new AbortController();
        const call = client.request(body, { signal: controller.signal });
        controller.abort(new Error("not needed"));
        await expect(call).rejects.toThrow("not needed");
      }
    });
    // All but the last few (no more than the queue's sweep threshold) are let go.
    expect(taken).toBeGreaterThan(n / 2);
    client.close();
    await expect(slow).rejects.toThrow("requester was closed");
  });
});

describe("requester() refuses what it cannot work with", () => {
  it("a req without relaxed and correlate, naming the fix", async () => {
    const req = await pump.socket("req", { connect: address("inproc") });
    expect(() => requester(req)).toThrow(TypeError);
    expect(() => requester(req)).toThrow(
      'pump.socket("req", { options: { relaxed: true, correlate: true } })',
    );
    const half = await pump.socket("req", {
      connect: address("inproc"),
      options: { relaxed: true },
    });
    expect(() => requester(half)).toThrow(TypeError);
  });

  it("a registered req, even one configured relaxed and correlate", () => {
    const socket = new zmq.Request({ relaxed: true, correlate: true, linger: 0 });
    const req = pump.register(socket);
    expect(() => requester(req)).toThrow("a registered req cannot show it has them");
  });

  it.each(["router", "rep", "pub", "pull", "pair"] as const)("a %s socket", async (kind) => {
    const sockets = await pump.socket(kind, { bind: address("inproc") });
    expect(() => requester(sockets)).toThrow(`got a ${kind} socket`);
  });

  it("what a pump did not hand out, and a second owner of one socket", async () => {
    expect(() => requester({} as Sockets)).toThrow(TypeError);
    const dealer = await pump.socket("dealer", { connect: address("inproc") });
    requester(dealer);
    expect(() => requester(dealer)).toThrow("already belongs to requester()");
    const router = await pump.socket("router", { bind: address("inproc") });
    void serve(router, (r) => r);
    expect(() => requester(router)).toThrow(TypeError);
    expect(() => serve(router, (r) => r)).toThrow("already belongs to serve()");
  });

  it("bad options and messages, at the call", async () => {
    const dealer = await pump.socket("dealer", { connect: address("inproc") });
    expect(() => requester(dealer, { timeout: 0 })).toThrow("timeout must be a number");
    expect(() => requester(dealer, { retries: -1 })).toThrow("retries must be a whole number");
    expect(() => requester(dealer, { retries: 1.5 })).toThrow(TypeError);
    const client = requester(dealer);
    expect(() => client.request([])).toThrow("got an empty array");
    expect(() => client.request(42 as never)).toThrow(TypeError);
    expect(() => client.request("x", { timeout: -5 })).toThrow("timeout must be a number");
    // beyond 2³¹ − 1 ms Node's timers fire at once: refused, not a timeout after 1 ms
    expect(() => requester(dealer, { timeout: 2 ** 40 })).toThrow(/≤ 2147483647 \(Infinity/);
    expect(() => client.request("x", { timeout: 2 ** 31 })).toThrow(/got 2147483648$/);
    expect(() => client.request("x", { signal: {} as AbortSignal })).toThrow("AbortSignal");
    client.close();
    dealer.send.close(); // closes the socket
    expect(() => requester(dealer)).toThrow("requester(): this dealer socket is closed");
  });
});

describe("serve()", () => {
  it("over a router runs up to `concurrency` handlers at once, never more", async () => {
    const router = await pump.socket("router", { bind: address("inproc") });
    let running = 0;
    let most = 0;
    const serving = serve(
      router,
      async (request) => {
        most = Math.max(most, ++running);
        await sleep(5);
        running--;
        return request;
      },
      { concurrency: 4 },
    );
    const client = requester(await pump.socket("dealer", { connect: router.endpoints[0] }));
    await Promise.all(Array.from({ length: 40 }, (_, i) => client.request(`${i}`)));
    expect(most).toBe(4);
    router.send.close();
    await serving;
  });

  it("answers REQ clients and DEALERs without a delimiter, each with its own envelope", async () => {
    const router = await pump.socket("router", { bind: address("inproc") });
    const seen: string[][] = [];
    const serving = serve(router, (request) => {
      seen.push(text(request));
      return [`re: ${request[0]}`];
    });
    const req = await pump.socket("req", { connect: router.endpoints[0] });
    await req.send.put("from req");
    expect(text(await takeWithin(req.recv))).toEqual(["re: from req"]);
    const dealer = await pump.socket("dealer", { connect: router.endpoints[0] });
    await dealer.send.put("bare");
    expect(text(await takeWithin(dealer.recv))).toEqual(["re: bare"]);
    expect(seen).toEqual([["from req"], ["bare"]]);
    router.send.close();
    await serving;
  });

  it("over a router: a failing handler answers nothing and puts an EHANDLER PumpError on errors", async () => {
    const router = await pump.socket("router", { bind: address("inproc") });
    const boom = new Error("boom");
    const serving = serve(router, ([body]) => {
      if (body!.toString() === "bad") throw boom;
      return "good";
    });
    const client = requester(await pump.socket("dealer", { connect: router.endpoints[0] }));
    await expect(client.request("bad", { timeout: 100 })).rejects.toBeInstanceOf(TimeoutError);
    const error = await takeWithin(pump.errors);
    expect(error).toBeInstanceOf(PumpError);
    expect(error.code).toBe("EHANDLER");
    expect(error.kind).toBe("router");
    expect(error.cause).toBe(boom);
    expect(error.message).toContain("boom");
    expect(text(await client.request("fine"))).toEqual(["good"]);
    router.send.close();
    await serving;
  });

  it("over a rep: a failing handler (or a reply that is no Message) is answered with one empty frame", async () => {
    const rep = await pump.socket("rep", { bind: address("inproc") });
    const serving = serve(rep, async ([body]) => {
      if (body!.toString() === "reject") throw new Error("rejected");
      if (body!.toString() === "nothing") return undefined as never;
      return "ok";
    });
    const client = requester(await pump.socket("dealer", { connect: rep.endpoints[0] }));
    expect(text(await client.request("reject"))).toEqual([""]);
    expect(text(await client.request("nothing"))).toEqual([""]);
    expect(text(await client.request("fine"))).toEqual(["ok"]);
    const errors = [await takeWithin(pump.errors), await takeWithin(pump.errors)];
    expect(errors.map((e) => e.code)).toEqual(["EHANDLER", "EHANDLER"]);
    expect(errors[1]!.cause).toBeInstanceOf(TypeError);
    rep.send.close();
    await serving;
  });

  it("resolves once recv has closed and every started handler's reply was put", async () => {
    const router = await pump.socket("router", { bind: address("inproc") });
    const release = chan<true>();
    let finished = 0;
    const serving = serve(
      router,
      async (request) => {
        await release.take();
        finished++;
        return request;
      },
      { concurrency: 3 },
    );
    const dealer = await pump.socket("dealer", { connect: router.endpoints[0] });
    for (let i = 0; i < 3; i++) await dealer.send.put(["", `${i}`]);
    await sleep(20);
    let resolved = false;
    void serving.then(() => (resolved = true));
    router.send.close();
    await router.closed;
    await sleep(10);
    expect(resolved).toBe(false);
    release.close();
    await within(serving, 2000, "serve to resolve");
    expect(finished).toBe(3);
  });

  // Regression: once the socket closed, serve went on taking what recv still held and ran a
  // handler for each, whose replies could not go out.
  it("starts no handler once send is closed, for requests still waiting in recv", async () => {
    const router = await pump.socket("router", { bind: address("inproc") });
    const release = chan<true>();
    let started = 0;
    const serving = serve(
      router,
      async (request) => {
        started++;
        await release.take();
        return request;
      },
      { concurrency: 2 },
    );
    const dealer = await pump.socket("dealer", { connect: router.endpoints[0] });
    for (let i = 0; i < 20; i++) await dealer.send.put(["", `${i}`]);
    const queued = () => pump.stats().sockets.find((k) => k.kind === "router")?.recvQueued ?? 0;
    for (let i = 0; i < 100 && queued() < 18; i++) await sleep(10);
    expect(started).toBe(2);
    router.send.close();
    release.close();
    await within(serving, 2000, "serve to resolve");
    expect(started).toBe(2);
  });

  it("refuses a rep with concurrency > 1, other kinds, and a handler that is not a function", async () => {
    const rep = await pump.socket("rep", { bind: address("inproc") });
    expect(() => serve(rep, (r) => r, { concurrency: 2 })).toThrow("concurrency must be 1");
    const dealer = await pump.socket("dealer", { connect: address("inproc") });
    expect(() => serve(dealer, (r) => r)).toThrow("needs a router or a rep socket, got a dealer");
    const router = await pump.socket("router", { bind: address("inproc") });
    expect(() => serve(router, "echo" as never)).toThrow("handler must be a function");
    expect(() => serve(router, (r) => r, { concurrency: 0 })).toThrow("concurrency must be");
  });
});
