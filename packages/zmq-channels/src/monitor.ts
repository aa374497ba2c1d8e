// Socket monitor events as channels (pump.events): one observer loop per socket, offering each
// event to every channel handed out for it.
//
// Invariants:
// - A socket's monitor is started once, on the first events() call; later calls share it
//   (zeromq.js has one observer per socket: a second `for await` over it fails with EBUSY).
// - Event channels drop when full: a slow reader loses events, never stalls the socket.
// - Every channel handed out closes when the socket closes.
// - A channel the user closed is let go at the next event or events() call on that socket, so
//   a long-lived socket does not keep every channel it ever handed out.
import { Channel, dropping, type Buffer as ChannelBuffer } from "@sluice/channels";
import type { Bridge } from "./bridge";
import type { SocketEvent } from "./engine";
import { codeOf, type PumpError } from "./errors";
import { describeValue } from "./frames";

export class Monitors {
  readonly #outs = new WeakMap<Bridge, Set<Channel<SocketEvent>>>();
  readonly #report: (error: PumpError) => void;

  constructor(report: (error: PumpError) => void) {
    this.#report = report;
  }

  /** A new channel of `bridge`'s events. Throws a PumpError when the monitor cannot start. */
  open(bridge: Bridge, buffer: number | ChannelBuffer<SocketEvent>): Channel<SocketEvent> {
    let out: Channel<SocketEvent>;
    try {
      out = new Channel<SocketEvent>(
        typeof buffer === "number" ? dropping<SocketEvent>(buffer) : buffer,
      );
    } catch (e) {
      // the channels' words name dropping(n) or chan(buffer), not the call that was wrong
      throw new TypeError(
        `events(sockets, buffer): buffer must be a whole number ≥ 1 or a Buffer ` +
          `(dropping(n), sliding(n), fixed(n)), got ${describeValue(buffer)}`,
        { cause: e },
      );
    }
    // Once the pump's close has begun the socket is about to close: a monitor started then
    // could miss its end on both engines, and its channel would never close (P54).
    if (bridge.engine.closed || bridge.pumpClosing) {
      out.close();
      return out;
    }
    let outs = this.#outs.get(bridge);
    if (outs === undefined) {
      outs = new Set();
      this.#observe(bridge, outs); // throws before registering when the monitor can't start
      this.#outs.set(bridge, outs);
    } else {
      sweep(outs);
    }
    outs.add(out);
    return out;
  }

  #observe(bridge: Bridge, outs: Set<Channel<SocketEvent>>): void {
    let observer: AsyncIterable<SocketEvent>;
    try {
      observer = bridge.engine.events();
    } catch (e) {
      // zeromq.js 6.8.0 names a monitor's endpoint after an address it may reuse while an old
      // monitor is still being torn down (fast churn of monitored sockets): EADDRINUSE.
      throw bridge.error(codeOf(e), "events(): the socket's monitor could not start", undefined, e);
    }
    void (async () => {
      try {
        // The observer ends by itself when the socket closes. Never close it by hand: on
        // zeromq 6.8.0 observer.close() leaves libzmq unable to reap later sockets (each
        // then leaks its descriptors until EMFILE).
        for await (const event of observer) {
          for (const out of outs) if (!out.offer(event) && out.closed) outs.delete(out);
        }
      } catch (e) {
        // The observer ends with an error when its socket closes under it; anything else
        // (the user iterating the socket's observer too) is reported, not swallowed.
        if (!bridge.engine.closed) {
          this.#report(
            bridge.error(codeOf(e), "events(): the socket's monitor failed", undefined, e),
          );
        }
      } finally {
        this.#outs.delete(bridge);
        for (const out of outs) out.close();
      }
    })();
  }
}

// Lets go of the channels the user closed.
function sweep(outs: Set<Channel<SocketEvent>>): void {
  for (const out of outs) if (out.closed) outs.delete(out);
}
