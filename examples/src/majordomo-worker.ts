// majordomo worker API: the guide's mdwrkapi with channels. A DEALER says READY for its service,
// then answers each REQUEST with what the handler returns, as a REPLY to the same client. It
// heartbeats the broker, and when the broker is silent for LIVENESS heartbeats (or says
// DISCONNECT) it drops its socket and starts over with a fresh one after `reconnectMs`.
//
// Invariants:
// - One request at a time: the next is taken only after the handler's reply was put (MDP: the
//   broker sends a worker a request only while it waits).
// - While waiting, the worker sends a HEARTBEAT at least every heartbeatMs.
import { chan, select } from "@sluice/channels";
import { Pump, type Frame, type Message, type Part, type Sockets } from "@sluice/zmq-channels";
import * as mdp from "./majordomo-mdp";

/** What the worker does with a request's body frames: returns the reply's. */
export type MajordomoHandler = (request: Frame[]) => Message | Promise<Message>;

export interface WorkerOptions {
  /** Heartbeat interval, ms (default the guide's 2500). */
  heartbeatMs?: number | undefined;
  /** Wait before reconnecting, ms (default heartbeatMs, the guide's 2500). */
  reconnectMs?: number | undefined;
  /** Called once the first READY was put on the socket. */
  ready?: () => void | undefined;
  /** Stops the worker: it says DISCONNECT, closes its socket and resolves. */
  signal?: AbortSignal | undefined;
}

export interface WorkerResult {
  /** Requests answered. */
  handled: number;
  /** How often the worker gave up on a silent broker and connected afresh. */
  reconnects: number;
}

// #region worker
export async function worker(
  pump: Pump,
  brokerEndpoint: string,
  service: string,
  handler: MajordomoHandler,
  opts: WorkerOptions = {},
): Promise<WorkerResult> {
  const heartbeatMs = opts.heartbeatMs ?? mdp.HEARTBEAT_MS;
  const reconnectMs = opts.reconnectMs ?? heartbeatMs;
  const stop = chan<never>();
  const stopped = () => stop.close();
  opts.signal?.addEventListener("abort", stopped, { once: true });
  if (opts.signal?.aborted) stop.close();

  const send = (socket: Sockets, command: Buffer, ...rest: Part[]) =>
    socket.send.put([mdp.EMPTY, mdp.WORKER, command, ...rest]);
  const connect = async () => {
    const socket = await pump.socket("dealer", { connect: brokerEndpoint, options: { linger: 0 } });
    await send(socket, mdp.READY, service);
    return socket;
  };
  const drop = async (socket: Sockets) => {
    socket.send.close();
    await socket.closed;
  };

  let handled = 0;
  let reconnects = 0;
  let socket = await connect();
  opts.ready?.();
  let liveness = mdp.LIVENESS;
  let heard = false; // anything from the broker since the last beat
  let beat = mdp.tick(heartbeatMs);
  for (;;) {
    const { channel, value } = await select([stop, socket.recv, beat], { priority: true });
    if (channel === stop) {
      await send(socket, mdp.DISCONNECT);
      break;
    }
    if (channel === socket.recv && value !== undefined) {
      heard = true;
      liveness = mdp.LIVENESS;
      // ["", "MDPW01", command, ...]: anything else is not MDP, and is dropped.
      const [empty, header, command, ...rest] = value as Frame[];
      if (empty?.length !== 0 || !mdp.is(header, mdp.WORKER)) continue;
      if (mdp.is(command, mdp.REQUEST)) {
        const [client, delimiter, ...body] = rest;
        if (client === undefined || delimiter?.length !== 0) continue;
        const reply = await handler(body);
        const frames = Array.isArray(reply) ? reply : [reply];
        await send(socket, mdp.REPLY, client, mdp.EMPTY, ...frames);
        handled++;
      } else if (mdp.is(command, mdp.DISCONNECT)) {
        liveness = 0; // the broker asks for a fresh start
      }
      // HEARTBEAT: the broker is alive, which `heard` already says.
      if (liveness > 0) continue;
    } else if (channel === beat) {
      beat = mdp.tick(heartbeatMs);
      if (!heard) liveness--;
      heard = false;
      if (liveness > 0) {
        await send(socket, mdp.HEARTBEAT);
        continue;
      }
    }
    // The broker has been silent too long (or said DISCONNECT): start over on a new socket.
    await drop(socket);
    const { channel: woken } = await select([stop, mdp.tick(reconnectMs)], { priority: true });
    if (woken === stop) return finish(null);
    reconnects++;
    socket = await connect();
    liveness = mdp.LIVENESS;
  }
  return finish(socket);

  async function finish(open: Sockets | null): Promise<WorkerResult> {
    opts.signal?.removeEventListener("abort", stopped);
    if (open !== null) await drop(open);
    return { handled, reconnects };
  }
}
// #endregion worker
