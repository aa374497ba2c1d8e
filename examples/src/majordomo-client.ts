// majordomo client API: the guide's mdcliapi with channels. A REQ sends [MDPC01, service,
// ...request] and waits for [MDPC01, service, ...reply]. A reply that does not come within the
// timeout means the REQ is stuck in lockstep: as the Lazy Pirate does, the client closes it and
// resends on a fresh one, so a late reply goes to a socket that no longer exists (the broker's
// ROUTER drops it) and can never be taken for the answer to another request.
//
// MDP's client frames carry no id, so sluice's requester() cannot be used here (see
// majordomo-mdp.ts); this is the loop that requester() saves you everywhere else.
import { chan, select } from "@sluice/channels";
import { Pump, TimeoutError, type Frame, type Message, type Sockets } from "@sluice/zmq-channels";
import * as mdp from "./majordomo-mdp";

export interface ClientOptions {
  /** How long each try waits for the reply, ms (default the guide's 2500). */
  timeoutMs?: number | undefined;
  /** Tries after the first (default the guide's 3). */
  retries?: number | undefined;
  /** Aborting ends a pending request: it rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

export interface MajordomoClient {
  /** Sends `request` to `service`; resolves with the reply's body frames, or rejects with a
   * TimeoutError after the last try. One request at a time (MDP/0.1 has no ids). */
  request(service: string, request: Message): Promise<Frame[]>;
  /** Closes the client's socket. */
  close(): Promise<void>;
}

// #region client
export function client(
  pump: Pump,
  brokerEndpoint: string,
  opts: ClientOptions = {},
): MajordomoClient {
  const timeoutMs = opts.timeoutMs ?? mdp.TIMEOUT_MS;
  const retries = opts.retries ?? mdp.RETRIES;
  let socket: Sockets | undefined;
  const drop = async () => {
    const closing = socket;
    socket = undefined;
    closing?.send.close();
    await closing?.closed;
  };
  const request = async (service: string, body: Message): Promise<Frame[]> => {
    for (let attempt = 0; attempt <= retries; attempt++) {
      opts.signal?.throwIfAborted();
      socket ??= await pump.socket("req", { connect: brokerEndpoint, options: { linger: 0 } });
      await socket.send.put([mdp.CLIENT, service, ...(Array.isArray(body) ? body : [body])]);
      // A deadline of our own, cleared once the reply came: timeout()'s timer would keep a
      // finished client process alive for the rest of it.
      const deadline = chan<never>();
      const timer = setTimeout(() => deadline.close(), timeoutMs);
      let got;
      try {
        got = await select([socket.recv, deadline], { signal: opts.signal });
      } catch (e) {
        await drop(); // aborted while the REQ waits for its reply: it would stay stuck
        throw e;
      } finally {
        clearTimeout(timer);
      }
      const { channel, value } = got;
      if (channel === socket.recv && value !== undefined) {
        const [header, from, ...reply] = value as Frame[];
        if (mdp.is(header, mdp.CLIENT) && from?.toString() === service) return reply;
      }
      await drop(); // no reply (or not MDP): the REQ is stuck, start over with a fresh one
    }
    throw new TimeoutError(
      `majordomo: no reply from "${service}" within ${timeoutMs} ms (${retries + 1} tries)`,
    );
  };
  return { request, close: drop };
}
// #endregion client
