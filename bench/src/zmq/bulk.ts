// The pump on its native engine, driven by the loops a bulk user writes (docs/zmq.md
// "Speed"): the producer offers each message and awaits a put only when `send` is full; the
// consumer polls and awaits a take only when `recv` is empty. The same pump, sockets and
// channels as "sluice native", with the same guarantees; what goes is the promise per message
// wherever nothing has to wait. PUSH→PULL rows only, beside the fast path (decision K5).
import { Pump } from "@sluice/zmq-channels";
import { Clock, indexOf, message, type PushPull } from "./variant";

const LINGER = 2000;

export const bulk: PushPull = {
  name: "sluice native, bulk loops",

  async pull(bind) {
    const pump = new Pump({ engine: "native" });
    const { recv, endpoints } = await pump.socket("pull", { bind });
    return {
      endpoint: endpoints[0] ?? bind,
      async receive(n) {
        const clock = new Clock(n);
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const m = recv.poll() ?? (await recv.take());
          if (m === undefined) throw new Error(`bulk: recv closed after ${i} of ${n} messages`);
          clock.tick();
          sum += indexOf(m[0]);
        }
        return { sum, seconds: clock.seconds() };
      },
      close: () => pump.close(),
    };
  },

  async push(connect, n, size) {
    const pump = new Pump({ engine: "native" });
    const { send } = await pump.socket("push", { connect, options: { linger: LINGER } });
    for (let i = 1; i <= n; i++) {
      const m = message(i, size);
      if (!send.offer(m) && !(await send.put(m))) throw new Error("bulk: send closed");
    }
    return { close: () => pump.close() };
  },
};
