// hello: the ZeroMQ guide's first program (hwserver/hwclient), REQ/REP ping-pong.
// With no role flag, both ends in one process, twice: with the easy interface (the pump
// creates, binds and connects the sockets), and with register() (you configure a zeromq socket
// yourself, then hand it over). With a role flag, one end, speaking the guide's bytes ("Hello",
// "World"), so it runs against hwserver or hwclient in any language:
//
//   node dist/hello.js --serve 'tcp://127.0.0.1:*' [--count N] [--sleepMs 1000]
//   node dist/hello.js --connect tcp://127.0.0.1:5555 [--count 10]
import { timeout } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import * as zmq from "zeromq";
import {
  countFlag,
  endpointFlag,
  inproc,
  onAbort,
  pickRole,
  roleFor,
  runAsProgram,
  type Program,
  type Role,
} from "./cli";

export interface HelloOptions {
  /**
   * How many requests the client sends (default 5); with --serve, how many the server answers
   * before it exits. A role without a count runs until `signal` (SIGINT or SIGTERM) aborts.
   */
  count?: number | undefined;
  /** Be the server (hwserver): bind a REP here and answer every "Hello" with "World". */
  serve?: string | undefined;
  /** Be the client (hwclient): connect a REQ here and send "Hello", waiting for each reply. */
  connect?: string | undefined;
  /** With --serve: milliseconds of "work" before each reply (hwserver sleeps 1000; default 0). */
  sleepMs?: number | undefined;
  /** Where a role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops a role: it closes its pump and resolves with what it did so far. */
  signal?: AbortSignal | undefined;
}

export type HelloResult =
  | {
      role: "both";
      /** The replies the client received, in order, from the easy-interface run. */
      easy: string[];
      /** The same, from the run that used register() over tcp on loopback. */
      registered: string[];
    }
  /** --serve: every request the server received, in order. */
  | { role: "server"; requests: string[] }
  /** --connect: every reply the client received, in order. */
  | { role: "client"; replies: string[] };

/** Role flag → the other flags that role reads (`""`: both ends in one process). */
const ROLES = {
  "": ["count"],
  serve: ["count", "sleepMs"],
  connect: ["count"],
};

export async function main(opts: HelloOptions = {}): Promise<HelloResult> {
  const role = pickRole("hello", opts, ROLES);
  const count = countFlag("count", opts.count);
  const run = roleFor(count, opts);
  if (role === "serve") {
    const endpoint = endpointFlag("serve", opts.serve, true);
    const sleepMs = countFlag("sleepMs", opts.sleepMs) ?? 0;
    return { role: "server", requests: await serve(endpoint, sleepMs, run) };
  }
  if (role === "connect") {
    const replies = await request(endpointFlag("connect", opts.connect, false), run);
    return { role: "client", replies };
  }
  return { role: "both", easy: await easy(count ?? 5), registered: await registered(count ?? 5) };
}

// #region easy
async function easy(count: number): Promise<string[]> {
  const pump = new Pump();
  const endpoint = inproc("hello");
  const server = await pump.socket("rep", { bind: endpoint });
  const client = await pump.socket("req", { connect: endpoint });

  // The server: one message in, one reply out, until the pump closes its recv.
  const serving = (async () => {
    for await (const [request] of server.recv) {
      await server.send.put(`World (re: ${request})`);
    }
  })();

  const replies: string[] = [];
  for (let i = 0; i < count; i++) {
    await client.send.put(`Hello ${i}`);
    const [reply] = (await client.recv.take())!;
    replies.push(reply!.toString());
  }

  await pump.close();
  await serving;
  return replies;
}
// #endregion easy

// #region registered
async function registered(count: number): Promise<string[]> {
  // Configure and bind the zeromq socket yourself: here, to a free port on loopback.
  const rep = new zmq.Reply({ linger: 0 });
  await rep.bind("tcp://127.0.0.1:*");
  const req = new zmq.Request({ linger: 0 });
  req.connect(rep.lastEndpoint!);

  // From here on the pump owns both sockets: use only their channels.
  const pump = new Pump();
  const server = pump.register(rep);
  const client = pump.register(req);

  const serving = (async () => {
    for await (const [request] of server.recv) {
      await server.send.put(`World (re: ${request})`);
    }
  })();

  const replies: string[] = [];
  for (let i = 0; i < count; i++) {
    await client.send.put(`Hello ${i}`);
    const [reply] = (await client.recv.take())!;
    replies.push(reply!.toString());
  }

  await pump.close();
  await serving;
  return replies;
}
// #endregion registered

// #region serve
// hwserver: bind, then answer each request with "World". Closing the pump (on a signal) makes
// the take below return undefined, which ends the loop.
async function serve(endpoint: string, sleepMs: number, { count, signal, say }: Role) {
  const pump = new Pump();
  const server = await pump.socket("rep", { bind: endpoint });
  const forget = onAbort(signal, () => void pump.close());
  say(`listening on ${server.endpoints[0]}`); // the port that tcp://127.0.0.1:* picked

  const requests: string[] = [];
  while (count === undefined || requests.length < count) {
    const message = await server.recv.take();
    if (message === undefined) break;
    const request = message[0]!.toString();
    say(`Received ${request}`);
    requests.push(request);
    if (sleepMs > 0) await timeout(sleepMs).take(); // "do some work"
    await server.send.put("World");
  }

  forget();
  await pump.close(); // the last reply still goes out: close flushes what was put
  return requests;
}
// #endregion serve

// hwclient: connect, then send "Hello" and wait for the reply, count times.
async function request(endpoint: string, { count, signal, say }: Role) {
  const pump = new Pump();
  say("Connecting to hello world server...");
  // linger 0: stopped while the server is away, an unanswered "Hello" is not worth waiting for.
  const client = await pump.socket("req", { connect: endpoint, options: { linger: 0 } });
  const forget = onAbort(signal, () => void pump.close());

  const replies: string[] = [];
  for (let n = 0; count === undefined || n < count; n++) {
    say(`Sending Hello ${n}...`);
    if (!(await client.send.put("Hello"))) break; // false: the pump closed
    const message = await client.recv.take();
    if (message === undefined) break; // closed while waiting for the reply
    const reply = message[0]!.toString();
    say(`Received ${reply} ${n}`);
    replies.push(reply);
  }

  forget();
  await pump.close();
  return replies;
}

export const program: Program<HelloOptions> = {
  about:
    "hello: the guide's hwserver/hwclient, REQ/REP; with a role flag, one end, on the guide's bytes",
  flags: {
    count: ["n", "requests to send or, with --serve, to answer (default 5; a role: until SIGINT)"],
    serve: ["endpoint", "be hwserver: bind a REP here and answer every Hello with World"],
    connect: ["endpoint", "be hwclient: connect a REQ here and send Hello"],
    sleepMs: ["ms", "with --serve: milliseconds of work before each reply (default 0)"],
  },
  roles: ROLES,
  stopOnSignal: true,
};

runAsProgram(module, main, program, (result) => {
  // Both ends in one process: the two runs' replies. A role printed its lines as it went.
  if (result.role === "both") console.log({ easy: result.easy, registered: result.registered });
});
