// Runtime control of a bridged socket: the methods of `Sockets` that reach the socket itself
// (subscribe, join, bind, connect, get, set, …). User code never touches the socket, so each
// call is queued here and run by the pump.
//
// Invariants:
// - Calls on one socket run one at a time, in call order, each in its own microtask: between
//   two operations of the lanes (the zeromq.js engine's operations are single synchronous
//   calls; its bind and unbind are made synchronous for this, engines/zeromq-socket.ts).
// - After each call the engine re-checks the socket's readiness (engine.ts), so a control call
//   never strands a waiting receive (the swallowed ZMQ_FD edge, P28).
// - Misuse is refused at the call, before anything is queued: a bad argument rejects with a
//   TypeError naming it (control-checks.ts), a closed socket with an Error naming the socket.
//   A call that fails (at the call or in the queue) never loses the calls queued after it.
// - `endpoints` follows what bind/connect/unbind/disconnect did, once each resolves.
import type { EngineSocket } from "./engine";
import { checkEndpoint, checkFilters, checkOption, checkRoutingId } from "./control-checks";
import { endpointCall, groupCall } from "./endpoint-errors";
import { reasonOf } from "./errors";
import { checkOptionValue, describeOptionValue } from "./engines/option-values";
import type { KindInfo } from "./kinds";
import { Closing, type State } from "./lifecycle";
import { boundEndpoint, checkSendTimeout } from "./options";

/** What control needs of its bridge. */
export interface ControlHost {
  readonly state: State;
  readonly info: KindInfo;
  readonly engine: EngineSocket;
  /** The socket's endpoints, as `Sockets.endpoints` shows them. */
  endpoints: readonly string[];
  /** The pump's close() has begun: the socket is about to close. */
  readonly pumpClosing: boolean;
}

/** A topic or group, as the control calls take them. */
export type Filter = string | Buffer;

/** The control methods of `Sockets` (each a closure: destructurable). */
export interface SocketControl {
  /** The socket's kind, e.g. `"sub"`. */
  readonly kind: string;
  /** SUB: subscribes to each topic (`""` is everything); at least one topic. */
  subscribe(...topics: Filter[]): Promise<void>;
  /** SUB: drops one subscription per topic; at least one topic. */
  unsubscribe(...topics: Filter[]): Promise<void>;
  /** DISH: joins each group; at least one group. */
  join(...groups: Filter[]): Promise<void>;
  /** DISH: leaves each group; at least one group. */
  leave(...groups: Filter[]): Promise<void>;
  /** Binds; resolves the address zeromq bound (a `tcp://…:*` gets its port). */
  bind(endpoint: string): Promise<string>;
  /** Stops listening on a bound address (the resolved one, as `bind` gave it). */
  unbind(endpoint: string): Promise<void>;
  /** Connects; `routingId` names the peer on a router (and a stream). */
  connect(endpoint: string, opts?: { routingId?: string | undefined }): Promise<void>;
  /** Ends the connection made by `connect(endpoint)`. */
  disconnect(endpoint: string): Promise<void>;
  /** An option's value (zeromq.js names); a write-only option rejects naming it. */
  get(option: string): Promise<unknown>;
  /** Sets an option (zeromq.js names); `receiveTimeout` and `sendTimeout` follow socket()'s rules. */
  set(option: string, value: unknown): Promise<void>;
}

export class Control {
  readonly #host: ControlHost;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(host: ControlHost) {
    this.#host = host;
  }

  /** The control methods, as closures. */
  methods(): SocketControl {
    const host = this.#host;
    const info = host.info;
    const kind = info.kind;
    const forget = (address: string): void => {
      const i = host.endpoints.indexOf(address);
      if (i >= 0) host.endpoints = Object.freeze(host.endpoints.filter((_, j) => j !== i));
    };
    const remember = (address: string): void => {
      host.endpoints = Object.freeze([...host.endpoints, address]);
    };
    return Object.freeze({
      kind,
      subscribe: (...topics: Filter[]) =>
        this.#run("subscribe", () => {
          const list = checkFilters(kind, "subscribe", info.subscribes, "sub", topics);
          return () => host.engine.subscribe(list);
        }),
      unsubscribe: (...topics: Filter[]) =>
        this.#run("unsubscribe", () => {
          const list = checkFilters(kind, "unsubscribe", info.subscribes, "sub", topics);
          return () => host.engine.unsubscribe(list);
        }),
      join: (...groups: Filter[]) =>
        this.#run("join", () => {
          const list = checkFilters(kind, "join", info.joins === true, "dish", groups);
          return () => groupCall("join", list, (g) => host.engine.join([g]));
        }),
      leave: (...groups: Filter[]) =>
        this.#run("leave", () => {
          const list = checkFilters(kind, "leave", info.joins === true, "dish", groups);
          return () => groupCall("leave", list, (g) => host.engine.leave([g]));
        }),
      bind: (address: string) =>
        this.#run("bind", () => {
          const a = checkEndpoint("bind", address);
          return async () => {
            const bound = boundEndpoint(
              a,
              await endpointCall("bind", kind, a, (at) => host.engine.bind(at)),
            );
            remember(bound);
            return bound;
          };
        }),
      unbind: (address: string) =>
        this.#run("unbind", () => {
          const a = checkEndpoint("unbind", address);
          return async () => {
            await endpointCall("unbind", kind, a, (at) => host.engine.unbind(at));
            forget(a);
          };
        }),
      connect: (address: string, opts?: { routingId?: string | undefined }) =>
        this.#run("connect", () => {
          const a = checkEndpoint("connect", address);
          const routingId = checkRoutingId(info, opts);
          return () => {
            endpointCall("connect", kind, a, (at) => host.engine.connect(at, routingId));
            remember(a);
          };
        }),
      disconnect: (address: string) =>
        this.#run("disconnect", () => {
          const a = checkEndpoint("disconnect", address);
          return () => {
            endpointCall("disconnect", kind, a, (at) => host.engine.disconnect(at));
            forget(a);
          };
        }),
      get: (option: string) =>
        this.#run("get", () => {
          const name = checkOption(info, host.engine, "get", option, "read");
          return () => {
            if (name === "sendTimeout") return host.engine.sendTimeout;
            try {
              return host.engine.get(name);
            } catch (e) {
              // libzmq's refusal ("Invalid argument") names no option: say which, keep its code
              const why = reasonOf(e);
              const code = (e as { code?: unknown }).code;
              throw Object.assign(
                new Error(`get("${name}"): the ${kind} socket could not read it: ${why}`, {
                  cause: e,
                }),
                code === undefined ? {} : { code },
              );
            }
          };
        }),
      set: (option: string, value: unknown) =>
        this.#run("set", () => {
          const name = checkOption(info, host.engine, "set", option, "write");
          if (name === "sendTimeout") {
            checkSendTimeout(value, 'set("sendTimeout", value): value');
            return () => {
              host.engine.sendTimeout = value;
            };
          }
          return () => {
            try {
              checkOptionValue(info, name, value);
              host.engine.set(name, value);
            } catch (e) {
              const why = reasonOf(e);
              throw new TypeError(
                `set("${name}", value): the ${kind} socket refused ${describeOptionValue(name, value)}: ${why}`,
                { cause: e },
              );
            }
          };
        }),
    });
  }

  // Checks the call now (a TypeError, or an Error on a closed socket, rejects at once and
  // queues nothing), then queues what `check` returned to run after the calls before it.
  #run<T>(call: string, check: () => () => T | Promise<T>): Promise<T> {
    let op: () => T | Promise<T>;
    try {
      this.#assertOpen(call);
      op = check();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const run = (): T | Promise<T> => {
      this.#assertOpen(call);
      return op();
    };
    const result = this.#tail.then(run, run);
    this.#tail = result.catch(() => {});
    return result;
  }

  // Refused from the pump's close() on, not only once this socket closes: libzmq 4.3 can crash
  // (SIGSEGV, both engines) when an option such as sendHighWaterMark is set on a socket while
  // the close tears down a peer over inproc (decisions P54).
  #assertOpen(call: string): void {
    const host = this.#host;
    if (host.state >= Closing || host.engine.closed || host.pumpClosing) {
      const where = host.endpoints.length > 0 ? ` (${host.endpoints.join(", ")})` : "";
      const what = host.pumpClosing ? "is closing with its pump" : "is closed";
      throw new Error(`${call}(): the ${host.info.kind} socket${where} ${what}`);
    }
  }
}
