// The ceiling for any pump on this machine: zeromq.js driven the way the pump drives it, with
// no channels. Timeouts 0 (zeromq.js then skips its ZMQ_EVENTS check before each operation),
// an awaited fall-back when an operation must wait, and a yield to the event loop every 256
// messages: a throwaway fast-path loop (decision B13). It runs only the PUSH→PULL rows, where it
// shows how much of the pump's time is the fast path and how much the channel hops. It is not a
// way to use ZeroMQ: one task per socket, no select, no composition.
import * as zmq from "zeromq";
import { Clock, indexOf, message, type PushPull } from "./variant";

const LINGER = 2000;
const YIELD_EVERY = 256;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function isEagain(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === "EAGAIN";
}

export const fastPath: PushPull = {
  name: "zeromq.js fast path",

  async pull(bind) {
    const s = new zmq.Pull({ receiveTimeout: 0 });
    await s.bind(bind);
    return {
      endpoint: s.lastEndpoint ?? bind,
      async receive(n) {
        const clock = new Clock(n);
        let sum = 0;
        for (let i = 0; i < n; i++) {
          let m: Buffer[];
          try {
            m = await s.receive();
          } catch (e) {
            if (!isEagain(e)) throw e;
            s.receiveTimeout = -1; // wait inside zeromq for the next message
            try {
              m = await s.receive();
            } finally {
              s.receiveTimeout = 0;
            }
          }
          clock.tick();
          sum += indexOf(m[0]);
          if (i % YIELD_EVERY === YIELD_EVERY - 1) await turn();
        }
        return { sum, seconds: clock.seconds() };
      },
      async close() {
        s.close();
      },
    };
  },

  async push(connect, n, size) {
    const s = new zmq.Push({ linger: LINGER, sendTimeout: 0 });
    s.connect(connect);
    for (let i = 1; i <= n; i++) {
      const m = message(i, size);
      try {
        await s.send(m);
      } catch (e) {
        if (!isEagain(e)) throw e;
        s.sendTimeout = -1; // a send-only socket: waiting inside zeromq strands nothing
        try {
          await s.send(m);
        } finally {
          s.sendTimeout = 0;
        }
      }
      if (i % YIELD_EVERY === 0) await turn();
    }
    return { close: async () => s.close() };
  },
};
