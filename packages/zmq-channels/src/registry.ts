// The Pump's registry: every socket it serves as a Bridge, all on one Scheduler, found by the
// Sockets it handed out; and what `pump.stats()` reports of them.
//
// Invariants:
// - Every registered socket has exactly one Bridge; no user code touches the socket again.
// - All bridges share one Scheduler (scheduler.ts): one loop, round robin between sockets.
// - A bridge leaves the registry once its socket has closed.
import { chan, type Channel } from "@sluice/channels";
import { Bridge, type SocketStats } from "./bridge";
import { debug } from "./debug";
import type { EngineSocket } from "./engine";
import type { PumpError } from "./errors";
import type { Frame, Message } from "./frames";
import { attach as attachHooks } from "./hooks";
import type { KindInfo } from "./kinds";
import type { RegisterChannels } from "./options";
import { Scheduler } from "./scheduler";
import { SendChannel } from "./send-channel";
import { useRecv } from "./shared-recv";
import type { Sockets } from "./sockets";
import { DEFAULT_CHANNEL_BUFFER } from "./tuning";

/** What `pump.stats()` returns. */
export interface PumpStats {
  /** The open sockets, in the order they were added. */
  sockets: SocketStats[];
  /** PumpErrors that did not fit on `errors` (as `pump.droppedErrors`). */
  droppedErrors: number;
  /** Turns the pump's loop has run. */
  turns: number;
}

export class Registry {
  readonly #bridges = new Set<Bridge>();
  readonly #bySockets = new WeakMap<Sockets, Bridge>();
  readonly #turns = new Scheduler();
  readonly #report: (error: PumpError) => void;
  /** Sockets being set up (created, bound, connected): close() waits for them first. */
  readonly creating = new Set<Promise<unknown>>();
  #closing = false; // close() has begun

  constructor(report: (error: PumpError) => void) {
    this.#report = report;
  }

  /** How many sockets are open. */
  get size(): number {
    return this.#bridges.size;
  }

  /** The bridge of Sockets this registry handed out; a TypeError for any other (`call`'s). */
  bridgeOf(sockets: Sockets, call: string): Bridge {
    const bridge = this.#bySockets.get(sockets);
    if (bridge === undefined) {
      throw new TypeError(`${call}: expected the Sockets returned by this pump`);
    }
    return bridge;
  }

  stats(droppedErrors: number): PumpStats {
    return {
      sockets: [...this.#bridges].map((bridge) => bridge.stats()),
      droppedErrors,
      turns: this.#turns.turns,
    };
  }

  /** Bridges `socket` and starts it: its Sockets. */
  adopt(
    socket: EngineSocket,
    info: KindInfo,
    chans: RegisterChannels,
    endpoints: string[],
    freesSending: boolean,
    flags = { relaxed: false, correlate: false },
  ): Sockets {
    const recv = chans.recv ?? chan<Frame[]>(DEFAULT_CHANNEL_BUFFER);
    const send: Channel<Message> = chans.send ?? new SendChannel(info, DEFAULT_CHANNEL_BUFFER);
    const bridge = new Bridge({
      engine: socket,
      info,
      send,
      recv,
      releaseRecv: useRecv(recv),
      endpoints,
      turns: this.#turns,
      report: this.#report,
      freesSending,
      pumpClosing: () => this.#closing,
    });
    this.#bridges.add(bridge);
    this.#bySockets.set(bridge.sockets, bridge);
    attachHooks(bridge.sockets, { kind: info.kind, ...flags, report: this.#report });
    void bridge.sockets.closed.then(() => this.#bridges.delete(bridge));
    bridge.start();
    return bridge.sockets;
  }

  /**
   * Waits for the sockets being set up, closes every bridge but `last`'s; resolves once those
   * have closed. (`last`: the ZAP handler, closed by a second call once the rest have.)
   */
  async close(last?: Sockets): Promise<void> {
    if (debug.enabled) {
      debug("pump: closing %d socket(s), %d being set up", this.#bridges.size, this.creating.size);
    }
    this.#closing = true;
    await Promise.allSettled([...this.creating]);
    const closing = [...this.#bridges].filter((bridge) => bridge.sockets !== last);
    for (const bridge of closing) bridge.close();
    await Promise.all(closing.map((b) => b.sockets.closed));
  }
}
