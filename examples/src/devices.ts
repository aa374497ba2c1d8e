// devices: the guide's built-in devices, each just `pipe` between two sockets' channels.
// - a queue device (ROUTER frontend for REQ clients, DEALER backend for REP workers; msgqueue),
// - a pub/sub forwarder (XSUB frontend facing publishers, XPUB backend facing subscribers;
//   subscriptions flow back upstream through it),
// and the proxy's capture socket, done with `mult`: a tap that sees every message passing.
import { chan, into, mult, pipe } from "@sluice/channels";
import { Pump, type Frame, type Message } from "@sluice/zmq-channels";
import { inproc, runAsProgram, type Program } from "./cli";

export interface DevicesOptions {
  /** REQ clients of the queue device (default 4). */
  clients?: number;
  /** Requests per client (default 5). */
  requests?: number;
  /** REP workers behind the queue device (default 2). */
  workers?: number;
  /** Updates the publisher sends on each of its two topics (default 20). */
  updates?: number;
}

export interface DevicesResult {
  /** Per client: the replies it got, in order. */
  replies: string[][];
  /** Every request, as the capture tap on the queue device saw it go through. */
  capturedRequests: string[];
  /** What the subscriber received through the forwarder. */
  received: string[];
  /** What the capture tap on the forwarder saw go through. */
  capturedUpdates: string[];
}

export async function main(opts: DevicesOptions = {}): Promise<DevicesResult> {
  const clients = opts.clients ?? 4;
  const requests = opts.requests ?? 5;
  const workers = opts.workers ?? 2;
  const updates = opts.updates ?? 20;
  const pump = new Pump();

  // #region queue
  const clientsAddress = inproc("devices-clients");
  const workersAddress = inproc("devices-workers");
  const frontend = await pump.socket("router", { bind: clientsAddress });
  const backend = await pump.socket("dealer", { bind: workersAddress });

  // Requests: frontend → backend, with a capture tap on the way. Replies: backend → frontend.
  const requestsCapture = chan<Frame[]>(64);
  const requestFlow = mult<Message>(frontend.recv); // what it carries goes out on sockets
  requestFlow.tap(backend.send);
  requestFlow.tap(requestsCapture);
  pipe(backend.recv, frontend.send);
  // #endregion queue
  const capturingRequests = into(requestsCapture);

  for (let w = 0; w < workers; w++) {
    const rep = await pump.socket("rep", { connect: workersAddress });
    void (async () => {
      for await (const [request] of rep.recv) await rep.send.put(`${request} done`);
    })();
  }
  const client = async (c: number) => {
    const req = await pump.socket("req", { connect: clientsAddress });
    const replies: string[] = [];
    for (let r = 0; r < requests; r++) {
      await req.send.put(`client-${c}:${r}`);
      replies.push((await req.recv.take())![0]!.toString());
    }
    return replies;
  };
  const replies = await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));

  // #region forwarder
  const publishersAddress = inproc("devices-publishers");
  const subscribersAddress = inproc("devices-subscribers");
  const publisher = await pump.socket("xpub", { bind: publishersAddress });
  const upstream = await pump.socket("xsub", { connect: publishersAddress });
  const downstream = await pump.socket("xpub", { bind: subscribersAddress });

  // Updates flow down (with a capture tap); subscriptions flow up, so publishers filter at source.
  const updatesCapture = chan<Frame[]>(64);
  const updateFlow = mult<Message>(upstream.recv);
  updateFlow.tap(downstream.send);
  updateFlow.tap(updatesCapture);
  pipe(downstream.recv, upstream.send);
  // #endregion forwarder
  const capturingUpdates = into(updatesCapture);

  // #region subscriber
  const subscriber = await pump.socket("sub", { connect: subscribersAddress, subscribe: "news " });
  // The publisher is an XPUB too: it starts once the subscription has come up through the
  // forwarder, so the slow joiner misses nothing.
  await publisher.recv.take(); // [0x01 "news "]
  for (let u = 0; u < updates; u++) {
    await publisher.send.put(`news ${u}`);
    await publisher.send.put(`sports ${u}`); // nobody asked: filtered at the publisher
  }
  const received: string[] = [];
  for (let u = 0; u < updates; u++) received.push((await subscriber.recv.take())![0]!.toString());
  // #endregion subscriber

  await pump.close();
  const bodies = (captured: Frame[][]) => captured.map((frames) => frames.at(-1)!.toString());
  return {
    replies,
    capturedRequests: bodies(await capturingRequests),
    received,
    capturedUpdates: bodies(await capturingUpdates),
  };
}

export const program: Program<DevicesOptions> = {
  about: "devices: the guide's queue and forwarder devices, each a pipe, with a capture tap (mult)",
  flags: {
    clients: ["n", "REQ clients of the queue device (default 4)"],
    requests: ["n", "requests per client (default 5)"],
    workers: ["n", "REP workers behind the queue device (default 2)"],
    updates: ["n", "updates the publisher sends on each of its two topics (default 20)"],
  },
};

runAsProgram(module, main, program, (result) => {
  console.log(
    `queue device: ${result.replies.flat().length} replies, ${result.capturedRequests.length} requests captured`,
  );
  console.log(
    `forwarder: ${result.received.length} updates received, ${result.capturedUpdates.length} captured`,
  );
});
