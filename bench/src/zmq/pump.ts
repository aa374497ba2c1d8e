// The same work through the sluice pump, written as its docs show: `pump.socket()` with
// bind/connect, `send.put()` and `recv.take()`, `select` over many `recv`s, `pump.close()`.
// One code for both engines: `pumpVariant(name, engine)` (native.ts makes the native one).
import { select, type Channel } from "@sluice/channels";
import { Pump as BasePump, type Frame, type PumpEngine } from "@sluice/zmq-channels";
import { dealt } from "../channels/lib";
import { Clock, indexOf, message, type Variant } from "./variant";

const LINGER = 2000;

/** the endpoint the pump bound, a wildcard tcp port resolved (`Sockets.endpoints`) */
function endpointOf(s: object, bind: string): string {
  const resolved = (s as { endpoints?: readonly string[] }).endpoints?.[0];
  if (resolved !== undefined) return resolved;
  if (bind.includes("*")) throw new Error("bench: the pump did not report the bound endpoint");
  return bind;
}

async function bindOne(
  pump: BasePump,
  kind: "pull" | "rep" | "router",
  bind: string,
  options = {},
) {
  const sockets = await pump.socket(kind, { bind, options });
  return { sockets, endpoint: endpointOf(sockets, bind) };
}

/** takes n messages from `recv`, timing from the first to the last and summing their indexes */
export async function receiveN(recv: Channel<Frame[]>, n: number, body = 0) {
  const clock = new Clock(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const m = await recv.take();
    if (m === undefined) throw new Error(`pump: recv closed after ${i} of ${n} messages`);
    clock.tick();
    sum += indexOf(m[body]);
  }
  return { sum, seconds: clock.seconds() };
}

/** The pump on the zeromq.js engine. */
export const pump: Variant = pumpVariant("sluice on zeromq.js", "zeromq");

/** Every workload through pumps made with `new Pump({ engine })`. */
export function pumpVariant(name: Variant["name"], engine: PumpEngine): Variant {
  const Pump = class extends BasePump {
    constructor() {
      super({ engine });
    }
  };
  return {
    name,

    async pull(bind) {
      const p = new Pump();
      const { sockets, endpoint } = await bindOne(p, "pull", bind);
      return {
        endpoint,
        receive: (n) => receiveN(sockets.recv, n),
        close: () => p.close(),
      };
    },

    async push(connect, n, size) {
      const p = new Pump();
      const { send } = await p.socket("push", { connect, options: { linger: LINGER } });
      for (let i = 1; i <= n; i++) await send.put(message(i, size));
      return { close: () => p.close() };
    },

    async pulls(binds) {
      const p = new Pump();
      const all = await Promise.all(binds.map((b) => bindOne(p, "pull", b)));
      const recvs = all.map((s) => s.sockets.recv);
      return {
        endpoints: all.map((s) => s.endpoint),
        async receive(n) {
          const clock = new Clock(n);
          let sum = 0;
          for (let i = 0; i < n; i++) {
            const { value } = await select(recvs);
            clock.tick();
            sum += indexOf((value as Frame[] | undefined)?.[0]);
          }
          return { sum, seconds: clock.seconds() };
        },
        close: () => p.close(),
      };
    },

    async pushes(connects, n, size) {
      const p = new Pump();
      await Promise.all(
        connects.map(async (connect, j) => {
          const { send } = await p.socket("push", { connect, options: { linger: LINGER } });
          for (const i of dealt(j, connects.length, n)) await send.put(message(i, size));
        }),
      );
      return { close: () => p.close() };
    },

    async echo(kind, bind) {
      const p = new Pump();
      const { sockets, endpoint } = await bindOne(p, kind, bind);
      void (async () => {
        for (let m = await sockets.recv.take(); m !== undefined; m = await sockets.recv.take()) {
          if (!(await sockets.send.put(m))) break;
        }
      })();
      return { endpoint, close: () => p.close() };
    },

    async client(kind, connect) {
      const p = new Pump();
      const { send, recv } = await p.socket(kind, { connect });
      return {
        async roundTrip(payload) {
          await send.put(payload);
          const reply = await recv.take();
          if (reply === undefined) throw new Error("pump: recv closed before the reply");
          return reply[0]!;
        },
        close: () => p.close(),
      };
    },

    async dealer(connect) {
      const p = new Pump();
      const { send, recv } = await p.socket("dealer", { connect, options: { linger: LINGER } });
      return {
        async hello() {
          await send.put(message(0, 4));
        },
        async send(n, size) {
          for (let i = 1; i <= n; i++) await send.put(message(i, size));
        },
        receive: (n) => receiveN(recv, n),
        close: () => p.close(),
      };
    },

    async router(bind) {
      const p = new Pump();
      // mandatory: a full peer makes the send wait instead of dropping (ROUTER drops at its HWM)
      const { sockets, endpoint } = await bindOne(p, "router", bind, {
        mandatory: true,
        linger: LINGER,
      });
      return {
        endpoint,
        async peer() {
          const m = await sockets.recv.take();
          if (m === undefined || m[0] === undefined) throw new Error("pump: no hello");
          return m[0];
        },
        async send(id, n, size) {
          for (let i = 1; i <= n; i++) await sockets.send.put([id, message(i, size)]);
        },
        receive: (n) => receiveN(sockets.recv, n, 1),
        close: () => p.close(),
      };
    },
  };
}
