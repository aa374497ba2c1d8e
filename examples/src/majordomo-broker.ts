// majordomo broker: the guide's mdbroker with channels. One ROUTER for clients and workers;
// requests queue per service and go to that service's waiting workers, oldest first. Waiting
// workers are heartbeaten, and forgotten when they stay silent for LIVENESS heartbeats. The
// heartbeat is a `timeout` in the same select as the socket and the stop signal.
//
// Invariants:
// - A worker is waiting (in `waiting` and its service's `waiting`) exactly while the broker
//   owes it a request: after READY or a REPLY, until it is sent a REQUEST or deleted.
// - A request goes to exactly one worker, once; a reply goes to the client named in it, once.
import { chan, select } from "@sluice/channels";
import { Pump, type Frame, type Sockets } from "@sluice/zmq-channels";
import * as mdp from "./majordomo-mdp";

export interface BrokerOptions {
  /** Heartbeat interval, ms (default the guide's 2500). */
  heartbeatMs?: number | undefined;
  /** Stops the broker: it closes its socket and resolves. */
  signal?: AbortSignal | undefined;
  /** Called once the ROUTER is bound, with the resolved endpoint. */
  listening?: (endpoint: string) => void | undefined;
}

export interface BrokerResult {
  /** Client requests taken in, and replies sent back. */
  requests: number;
  replies: number;
}

interface Worker {
  readonly identity: Frame;
  readonly key: string;
  service: Service | undefined;
  expiry: number;
}

interface Service {
  readonly name: string;
  readonly requests: Frame[][]; // [client, "", ...body], oldest first
  readonly waiting: Worker[];
}

// #region broker
export async function broker(
  pump: Pump,
  endpoint: string,
  opts: BrokerOptions = {},
): Promise<BrokerResult> {
  const heartbeatMs = opts.heartbeatMs ?? mdp.HEARTBEAT_MS;
  const socket = await pump.socket("router", { bind: endpoint, options: { linger: 0 } });
  opts.listening?.(socket.endpoints[0]!);
  const state = new BrokerState(socket, heartbeatMs);

  const stop = chan<never>();
  const stopped = () => stop.close();
  opts.signal?.addEventListener("abort", stopped, { once: true });
  if (opts.signal?.aborted) stop.close();

  let beat = mdp.tick(heartbeatMs);
  for (;;) {
    const { channel, value } = await select([socket.recv, beat, stop], { priority: true });
    if (channel === stop || (channel === socket.recv && value === undefined)) break;
    if (channel === beat) {
      await state.heartbeat();
      beat = mdp.tick(heartbeatMs);
      continue;
    }
    // [sender, "", header, ...]: anything else is not MDP, and is dropped.
    const [sender, empty, header, ...rest] = value as Frame[];
    if (sender === undefined || empty?.length !== 0) continue;
    if (mdp.is(header, mdp.CLIENT)) await state.fromClient(sender, rest);
    else if (mdp.is(header, mdp.WORKER)) await state.fromWorker(sender, rest);
  }

  opts.signal?.removeEventListener("abort", stopped);
  socket.send.close();
  await socket.closed;
  return { requests: state.requests, replies: state.replies };
}
// #endregion broker

class BrokerState {
  readonly #socket: Sockets;
  readonly #expiry: number;
  readonly #services = new Map<string, Service>();
  readonly #workers = new Map<string, Worker>();
  readonly #waiting: Worker[] = [];
  requests = 0;
  replies = 0;

  constructor(socket: Sockets, heartbeatMs: number) {
    this.#socket = socket;
    this.#expiry = heartbeatMs * mdp.LIVENESS;
  }

  // [service, ...body] from a client: to a worker of that service, or answered by the broker
  // for the guide's service discovery (mmi.service: "200" if it has workers, else "404").
  async fromClient(client: Frame, [service, ...body]: Frame[]): Promise<void> {
    if (service === undefined) return;
    const name = service.toString();
    this.requests++;
    if (name.startsWith("mmi.")) {
      const known = this.#services.get(body[0]?.toString() ?? "");
      const code = name !== "mmi.service" ? "501" : known?.waiting.length ? "200" : "404";
      this.replies++;
      await this.#socket.send.put([client, mdp.EMPTY, mdp.CLIENT, service, code]);
      return;
    }
    const target = this.#service(name);
    target.requests.push([client, mdp.EMPTY, ...body]);
    await this.#dispatch(target);
  }

  // [command, ...] from a worker.
  async fromWorker(sender: Frame, [command, ...rest]: Frame[]): Promise<void> {
    const key = sender.toString("hex");
    const known = this.#workers.get(key);
    const worker = known ?? this.#require(sender, key);
    if (mdp.is(command, mdp.READY)) {
      const name = rest[0]?.toString();
      // READY twice, or for the broker's own services, or with no service: not a worker we keep.
      if (known !== undefined || name === undefined || name.startsWith("mmi.")) {
        return this.#delete(worker, true);
      }
      worker.service = this.#service(name);
      return this.#waits(worker);
    }
    if (mdp.is(command, mdp.REPLY)) {
      if (known === undefined || worker.service === undefined) return this.#delete(worker, true);
      const [client, empty, ...body] = rest;
      if (client !== undefined && empty?.length === 0) {
        this.replies++;
        const service = worker.service.name;
        await this.#socket.send.put([client, mdp.EMPTY, mdp.CLIENT, service, ...body]);
      }
      return this.#waits(worker);
    }
    if (mdp.is(command, mdp.HEARTBEAT)) {
      if (known === undefined) return this.#delete(worker, true);
      worker.expiry = Date.now() + this.#expiry;
      return;
    }
    if (mdp.is(command, mdp.DISCONNECT)) return this.#delete(worker, false);
    return this.#delete(worker, true); // not a command of MDP
  }

  // Heartbeats every waiting worker, after forgetting those that went quiet.
  async heartbeat(): Promise<void> {
    this.#purge();
    for (const worker of [...this.#waiting]) {
      await this.#socket.send.put([worker.identity, mdp.EMPTY, mdp.WORKER, mdp.HEARTBEAT]);
    }
  }

  #service(name: string): Service {
    let service = this.#services.get(name);
    if (service === undefined) {
      service = { name, requests: [], waiting: [] };
      this.#services.set(name, service);
    }
    return service;
  }

  #require(identity: Frame, key: string): Worker {
    const worker: Worker = { identity, key, service: undefined, expiry: 0 };
    this.#workers.set(key, worker);
    return worker;
  }

  async #waits(worker: Worker): Promise<void> {
    worker.expiry = Date.now() + this.#expiry;
    this.#waiting.push(worker);
    worker.service!.waiting.push(worker);
    await this.#dispatch(worker.service!);
  }

  // While the service has both a request and a waiting worker, the oldest of each meet.
  async #dispatch(service: Service): Promise<void> {
    this.#purge();
    while (service.waiting.length > 0 && service.requests.length > 0) {
      const request = service.requests.shift()!;
      const worker = service.waiting.shift()!;
      this.#waiting.splice(this.#waiting.indexOf(worker), 1);
      const frames = [worker.identity, mdp.EMPTY, mdp.WORKER, mdp.REQUEST, ...request];
      await this.#socket.send.put(frames);
    }
  }

  // Forgets waiting workers whose expiry has passed (oldest first, so stop at a live one).
  #purge(): void {
    const now = Date.now();
    while (this.#waiting.length > 0 && this.#waiting[0]!.expiry < now) {
      void this.#delete(this.#waiting[0]!, false);
    }
  }

  async #delete(worker: Worker, disconnect: boolean): Promise<void> {
    const at = this.#waiting.indexOf(worker);
    if (at >= 0) this.#waiting.splice(at, 1);
    const waiting = worker.service?.waiting;
    const there = waiting?.indexOf(worker) ?? -1;
    if (there >= 0) waiting!.splice(there, 1);
    this.#workers.delete(worker.key);
    if (disconnect) {
      await this.#socket.send.put([worker.identity, mdp.EMPTY, mdp.WORKER, mdp.DISCONNECT]);
    }
  }
}
