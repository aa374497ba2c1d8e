// devices: the guide's built-in devices, each just `pipe` between two sockets' channels.
// - a queue device (ROUTER frontend for REQ clients, DEALER backend for REP workers; msgqueue),
// - a pub/sub forwarder (XSUB frontend facing publishers, XPUB backend facing subscribers;
//   subscriptions flow back upstream through it; wuproxy),
// and the proxy's capture socket, done with `mult`: a tap that sees every message passing.
//
// With no role flag, both devices with their clients, workers and publisher in one process.
// With a role flag, one device on the endpoints given, printing what its capture tap sees, so
// the guide's own clients, workers, publishers and subscribers can be on either side:
//
//   node dist/devices.js --queue tcp://127.0.0.1:5559 --backend tcp://127.0.0.1:5560
//   node dist/devices.js --forwarder tcp://127.0.0.1:5556 --publish tcp://127.0.0.1:8100
import { chan, into, mult, pipe } from "@sluice/channels";
import { Pump, type Frame, type Message } from "@sluice/zmq-channels";
import {
  endpointFlag,
  inproc,
  onAbort,
  pickRole,
  roleFor,
  runAsProgram,
  type Program,
  type Role,
} from "./cli";

export interface DevicesOptions {
  /** REQ clients of the queue device (default 4). */
  clients?: number | undefined;
  /** Requests per client (default 5). */
  requests?: number | undefined;
  /** REP workers behind the queue device (default 2). */
  workers?: number | undefined;
  /** Updates the publisher sends on each of its two topics (default 20). */
  updates?: number | undefined;
  /** Be the queue device (msgqueue): bind its ROUTER for clients here; needs --backend. */
  queue?: string | undefined;
  /** With --queue: bind its DEALER for workers here. */
  backend?: string | undefined;
  /** Be the forwarder (wuproxy): connect its XSUB to the publisher here; needs --publish. */
  forwarder?: string | undefined;
  /** With --forwarder: bind its XPUB for subscribers here. */
  publish?: string | undefined;
  /** Where a role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops a role (it runs until then): it closes its pump and resolves. */
  signal?: AbortSignal | undefined;
}

/** Role flag → the other flags that role reads (`""`: everything in one process). */
const ROLES = {
  "": ["clients", "requests", "workers", "updates"],
  queue: ["backend"],
  forwarder: ["publish"],
};

/** --queue or --forwarder: how many messages the capture tap saw go through. */
export interface DeviceRun {
  role: "queue" | "forwarder";
  captured: number;
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

export async function main(opts: DevicesOptions = {}): Promise<DevicesResult | DeviceRun> {
  const role = pickRole("devices", opts, ROLES);
  if (role === "queue") {
    const clientsAt = endpointFlag("queue", opts.queue, true);
    const workersAt = endpointFlag("backend", opts.backend, true);
    const run = roleFor(undefined, opts);
    return { role, captured: await device(queueDevice, clientsAt, workersAt, run) };
  }
  if (role === "forwarder") {
    const publisherAt = endpointFlag("forwarder", opts.forwarder, false);
    const subscribersAt = endpointFlag("publish", opts.publish, true);
    const run = roleFor(undefined, opts);
    return { role, captured: await device(forwarder, publisherAt, subscribersAt, run) };
  }
  return all(opts);
}

// #region queue
async function queueDevice(pump: Pump, clientsAt: string, workersAt: string) {
  const frontend = await pump.socket("router", { bind: clientsAt });
  const backend = await pump.socket("dealer", { bind: workersAt });

  // Requests: frontend → backend, with a capture tap on the way. Replies: backend → frontend.
  const capture = chan<Frame[]>(64);
  const requestFlow = mult<Message>(frontend.recv); // what it carries goes out on sockets
  requestFlow.tap(backend.send);
  requestFlow.tap(capture);
  pipe(backend.recv, frontend.send);
  return { capture, endpoints: [...frontend.endpoints, ...backend.endpoints] };
}
// #endregion queue

// #region forwarder
async function forwarder(pump: Pump, publishersAt: string, subscribersAt: string) {
  const upstream = await pump.socket("xsub", { connect: publishersAt });
  const downstream = await pump.socket("xpub", { bind: subscribersAt });

  // Updates flow down (with a capture tap); subscriptions flow up, so publishers filter at source.
  const capture = chan<Frame[]>(64);
  const updateFlow = mult<Message>(upstream.recv);
  updateFlow.tap(downstream.send);
  updateFlow.tap(capture);
  pipe(downstream.recv, upstream.send);
  return { capture, endpoints: [...downstream.endpoints] };
}
// #endregion forwarder

// One device alone, until its signal: it prints each message its capture tap sees (the tap
// must be read, or `mult` would wait on it once its buffer is full).
async function device(
  make: typeof queueDevice,
  from: string,
  to: string,
  { signal, say }: Role,
): Promise<number> {
  const pump = new Pump();
  const { capture, endpoints } = await make(pump, from, to);
  say(`listening on ${endpoints.join(" and ")}`);
  const forget = onAbort(signal, () => void pump.close());
  let captured = 0;
  // The pump's close (on the signal) closes the sockets' recv, and mult then closes its taps.
  for await (const frames of capture) {
    say(`captured: ${frames.at(-1)!.toString()}`);
    captured++;
  }
  forget();
  await pump.close();
  return captured;
}

async function all(opts: DevicesOptions): Promise<DevicesResult> {
  const clients = opts.clients ?? 4;
  const requests = opts.requests ?? 5;
  const workers = opts.workers ?? 2;
  const updates = opts.updates ?? 20;
  const pump = new Pump();

  const clientsAddress = inproc("devices-clients");
  const workersAddress = inproc("devices-workers");
  const queue = await queueDevice(pump, clientsAddress, workersAddress);
  const capturingRequests = into(queue.capture);

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

  const publishersAddress = inproc("devices-publishers");
  const subscribersAddress = inproc("devices-subscribers");
  const publisher = await pump.socket("xpub", { bind: publishersAddress });
  const proxy = await forwarder(pump, publishersAddress, subscribersAddress);
  const capturingUpdates = into(proxy.capture);

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
  about:
    "devices: the guide's queue and forwarder devices, each a pipe, with a capture tap (mult); " +
    "with a role flag, one device on the endpoints given",
  flags: {
    clients: ["n", "REQ clients of the queue device (default 4)"],
    requests: ["n", "requests per client (default 5)"],
    workers: ["n", "REP workers behind the queue device (default 2)"],
    updates: ["n", "updates the publisher sends on each of its two topics (default 20)"],
    queue: ["endpoint", "be the queue device (msgqueue): bind the clients' ROUTER here"],
    backend: ["endpoint", "with --queue: bind the workers' DEALER here"],
    forwarder: ["endpoint", "be the forwarder (wuproxy): connect its XSUB to the publisher here"],
    publish: ["endpoint", "with --forwarder: bind the subscribers' XPUB here"],
  },
  roles: ROLES,
  stopOnSignal: true,
};

runAsProgram(module, main, program, (result) => {
  if ("role" in result) return; // a device printed its lines as it went
  console.log(
    `queue device: ${result.replies.flat().length} replies, ${result.capturedRequests.length} requests captured`,
  );
  console.log(
    `forwarder: ${result.received.length} updates received, ${result.capturedUpdates.length} captured`,
  );
});
