// Plain zeromq.js v6, written as its README and tests show: one socket per role, awaited
// `send`, awaited `receive` (or `for await`), concurrent loops where there are many sockets.
import * as zmq from "zeromq";
import { dealt } from "../channels/lib";
import { Clock, indexOf, message, type Variant } from "./variant";

const LINGER = 2000;

/** binds and returns the resolved endpoint (a wildcard tcp port made concrete) */
async function bound<S extends zmq.Socket>(
  s: S,
  bind: string,
): Promise<{ s: S; endpoint: string }> {
  await s.bind(bind);
  return { s, endpoint: s.lastEndpoint ?? bind };
}

/** receives n messages, timing from the first to the last and summing their indexes */
async function receiveN(s: zmq.Readable, n: number) {
  const clock = new Clock(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const [m] = await s.receive();
    clock.tick();
    sum += indexOf(m);
  }
  return { sum, seconds: clock.seconds() };
}

export const plain: Variant = {
  name: "plain zeromq.js",

  async pull(bind) {
    const { s, endpoint } = await bound(new zmq.Pull(), bind);
    return {
      endpoint,
      receive: (n) => receiveN(s, n),
      async close() {
        s.close();
      },
    };
  },

  async push(connect, n, size) {
    const s = new zmq.Push({ linger: LINGER });
    s.connect(connect);
    for (let i = 1; i <= n; i++) await s.send(message(i, size));
    return { close: async () => s.close() };
  },

  async pulls(binds) {
    const all = await Promise.all(binds.map((b) => bound(new zmq.Pull(), b)));
    const socks = all.map((b) => b.s);
    return {
      endpoints: all.map((b) => b.endpoint),
      async receive(n, counts) {
        const clock = new Clock(n);
        let sum = 0;
        // no poller in zeromq.js v6: one receive loop per socket, as its users write it
        await Promise.all(
          socks.map(async (s, j) => {
            for (let i = 0; i < counts[j]!; i++) {
              const [m] = await s.receive();
              clock.tick();
              sum += indexOf(m);
            }
          }),
        );
        return { sum, seconds: clock.seconds() };
      },
      async close() {
        for (const s of socks) s.close();
      },
    };
  },

  async pushes(connects, n, size) {
    const socks = connects.map((c) => {
      const s = new zmq.Push({ linger: LINGER });
      s.connect(c);
      return s;
    });
    await Promise.all(
      socks.map(async (s, j) => {
        for (const i of dealt(j, connects.length, n)) await s.send(message(i, size));
      }),
    );
    return {
      async close() {
        for (const s of socks) s.close();
      },
    };
  },

  async echo(kind, bind) {
    const { s, endpoint } = await bound(kind === "rep" ? new zmq.Reply() : new zmq.Router(), bind);
    void (async () => {
      try {
        for (;;) await s.send(await s.receive());
      } catch {
        // closed: the server's job is done
      }
    })();
    return {
      endpoint,
      async close() {
        s.close();
      },
    };
  },

  async client(kind, connect) {
    const s = kind === "req" ? new zmq.Request() : new zmq.Dealer();
    s.connect(connect);
    return {
      async roundTrip(payload) {
        await s.send(payload);
        const [reply] = await s.receive();
        return reply!;
      },
      async close() {
        s.close();
      },
    };
  },

  async dealer(connect) {
    const s = new zmq.Dealer({ linger: LINGER });
    s.connect(connect);
    return {
      async hello() {
        await s.send(message(0, 4));
      },
      async send(n, size) {
        for (let i = 1; i <= n; i++) await s.send(message(i, size));
      },
      receive: (n) => receiveN(s, n),
      async close() {
        s.close();
      },
    };
  },

  async router(bind) {
    // mandatory: a full peer makes send wait instead of dropping (ROUTER drops at its HWM)
    const { s, endpoint } = await bound(new zmq.Router({ mandatory: true, linger: LINGER }), bind);
    return {
      endpoint,
      async peer() {
        const [id] = await s.receive();
        return id!;
      },
      async send(id, n, size) {
        for (let i = 1; i <= n; i++) await s.send([id, message(i, size)]);
      },
      async receive(n) {
        const clock = new Clock(n);
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const [, m] = await s.receive();
          clock.tick();
          sum += indexOf(m);
        }
        return { sum, seconds: clock.seconds() };
      },
      async close() {
        s.close();
      },
    };
  },
};
