// The PUSH→PULL rows on the pump's native engine (issue 18): the same code as pump.ts's
// `pull`/`push`, with `new Pump({ engine: "native" })`. Skipped, with a note, when the native
// engine was not built (no compiler): `nativeProblem()` says why.
import { Pump } from "@sluice/zmq-channels";
import { receiveN } from "./pump";
import { message, type PushPull } from "./variant";

const LINGER = 2000;

/** Why the native engine cannot run here, or undefined when it can. */
export function nativeProblem(): string | undefined {
  try {
    void new Pump({ engine: "native" }).close();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export const native: PushPull = {
  name: "sluice native",

  async pull(bind) {
    const p = new Pump({ engine: "native" });
    const sockets = await p.socket("pull", { bind });
    return {
      endpoint: sockets.endpoints[0] ?? bind,
      receive: (n) => receiveN(sockets.recv, n),
      close: () => p.close(),
    };
  },

  async push(connect, n, size) {
    const p = new Pump({ engine: "native" });
    const { send } = await p.socket("push", { connect, options: { linger: LINGER } });
    for (let i = 1; i <= n; i++) await send.put(message(i, size));
    return { close: () => p.close() };
  },
};
