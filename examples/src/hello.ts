// hello: the ZeroMQ guide's first program (hwserver/hwclient), REQ/REP ping-pong.
// Twice: with the easy interface (the pump creates, binds and connects the sockets), and with
// register() (you configure a zeromq socket yourself, then hand it over).
import { Pump } from "@sluice/zmq-channels";
import * as zmq from "zeromq";
import { inproc, runAsProgram } from "./cli";

export interface HelloOptions {
  /** How many requests the client sends (default 5). */
  count?: number;
}

export interface HelloResult {
  /** The replies the client received, in order, from the easy-interface run. */
  easy: string[];
  /** The same, from the run that used register() over tcp on loopback. */
  registered: string[];
}

export async function main(opts: HelloOptions = {}): Promise<HelloResult> {
  const count = opts.count ?? 5;
  return { easy: await easy(count), registered: await registered(count) };
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

runAsProgram(module, main, ["count"]);
