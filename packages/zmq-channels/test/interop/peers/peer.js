// A ZeroMQ peer on plain zeromq.js (no sluice), driven by the interop tests over stdin/stdout.
// It speaks exactly the protocol of peer.py (read its docstring): one JSON command per line in,
// one JSON reply per line out, in order; frames as base64. It exists so every interop case also
// runs on a machine without python3-zmq, against a peer that owns its sockets the plain way.
"use strict";
const readline = require("node:readline");
const zmq = require("zeromq");

const TYPES = {
  pair: zmq.Pair,
  pub: zmq.Publisher,
  sub: zmq.Subscriber,
  xpub: zmq.XPublisher,
  xsub: zmq.XSubscriber,
  req: zmq.Request,
  rep: zmq.Reply,
  dealer: zmq.Dealer,
  router: zmq.Router,
  push: zmq.Push,
  pull: zmq.Pull,
  stream: zmq.Stream,
};

// A blocked send must come back as an error, never wedge the peer (the tests bound every wait).
const SEND_TIMEOUT_MS = 2000;
const LINGER_MS = 200;

const sockets = new Map();

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

const decode = (frames) => frames.map((f) => Buffer.from(f, "base64"));
const encode = (frames) => frames.map((f) => Buffer.from(f).toString("base64"));

function closeAll() {
  for (const socket of sockets.values()) {
    socket.linger = 0;
    socket.close();
  }
  sockets.clear();
}

async function open(cmd) {
  const Class = TYPES[cmd.type];
  if (Class === undefined) throw new Error(`unknown socket type ${cmd.type}`);
  const options = { linger: LINGER_MS };
  if (cmd.type !== "pull" && cmd.type !== "sub") options.sendTimeout = SEND_TIMEOUT_MS;
  if (cmd.routingId !== undefined) options.routingId = cmd.routingId;
  const socket = new Class(options);
  for (const topic of cmd.subscribe ?? []) socket.subscribe(Buffer.from(topic, "base64"));
  let endpoint;
  try {
    if (cmd.bind !== undefined) {
      await socket.bind(cmd.bind);
      endpoint = socket.lastEndpoint;
    } else {
      socket.connect(cmd.connect);
      endpoint = cmd.connect;
    }
  } catch (e) {
    socket.close();
    throw e;
  }
  sockets.set(cmd.id, socket);
  return { ok: true, endpoint };
}

function socketOf(cmd) {
  const socket = sockets.get(cmd.id);
  if (socket === undefined) throw new Error(`no socket ${cmd.id}`);
  return socket;
}

async function handle(cmd) {
  switch (cmd.op) {
    case "open":
      return open(cmd);
    case "closeAll":
      closeAll();
      return { ok: true };
    case "exit":
      return { ok: true };
    case "send":
      await socketOf(cmd).send(decode(cmd.frames));
      return { ok: true };
    case "recv": {
      const socket = socketOf(cmd);
      socket.receiveTimeout = cmd.timeout ?? 1000;
      try {
        return { ok: true, frames: encode(await socket.receive()) };
      } catch (e) {
        if (e.code === "EAGAIN") return { ok: true, timeout: true };
        throw e;
      }
    }
    case "subscribe":
      socketOf(cmd).subscribe(Buffer.from(cmd.topic, "base64"));
      return { ok: true };
    case "unsubscribe":
      socketOf(cmd).unsubscribe(Buffer.from(cmd.topic, "base64"));
      return { ok: true };
    case "close": {
      const socket = socketOf(cmd);
      sockets.delete(cmd.id);
      socket.linger = 0;
      socket.close();
      return { ok: true };
    }
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

async function main() {
  reply({ ready: true, peer: "node", versions: `zeromq.js, libzmq ${zmq.version}` });
  // Commands run one at a time, in order: the reader is consumed sequentially.
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const cmd = JSON.parse(line);
    let result;
    try {
      result = await handle(cmd);
    } catch (e) {
      result = { ok: false, error: `${e.name}: ${e.message}${e.code ? ` (${e.code})` : ""}` };
    }
    reply(result);
    if (cmd.op === "exit") break;
  }
  lines.close();
  closeAll();
}

void main();
