/*
 * Invariants:
 *  - Every change of the table or of the solo mode offers on `changed` (a sliding buffer of 1),
 *    and `changed` is in every select of the loop, so the loop re-reads the table before it
 *    takes another value: a toggle applies to the very next value.
 *  - A channel is read when it is soloed, or (when nothing is soloed, or the solo mode is
 *    "mute") when it is not paused; a value read is put on `out` when its channel is soloed, or
 *    when nothing is soloed and it is not muted. Otherwise it was read and dropped.
 */
import { sliding } from "../buffers";
import { Channel } from "../channel";
import { select } from "../select";
import { checkChannel, spawn } from "./check";
import { describe } from "../errors";

/** The per-input states of a {@link mix}, as set by `toggle`. */
export interface MixState {
  /** Values are taken and dropped. */
  mute?: boolean | undefined;
  /** Values are not taken (they wait in the input). */
  pause?: boolean | undefined;
  /** Only soloed inputs are heard; the others get the solo mode. */
  solo?: boolean | undefined;
}

/** What non-soloed inputs become while any input is soloed. */
export type SoloMode = "mute" | "pause";

/** The inputs of a {@link mix}. */
export interface Mix<T> {
  /** [core.async admix] Adds `ch` as an input, with no state (not muted, paused or soloed):
   * admixing an input again clears its state, as core.async's `admix` does. */
  admix(ch: Channel<T>): void;
  /** [core.async unmix] Removes `ch`; values it still holds stay in it. */
  unmix(ch: Channel<T>): void;
  /** [core.async unmix-all] Removes every input. */
  unmixAll(): void;
  /**
   * [core.async toggle] Merges the given states into the inputs' states in one step; a channel
   * not yet in the mix is added with that state.
   */
  toggle(states: Map<Channel<T>, MixState>): void;
  /** [core.async solo-mode] What non-soloed inputs become while any input is soloed. */
  soloMode(mode: SoloMode): void;
}

const STATE_KEYS: ReadonlySet<string> = new Set(["mute", "pause", "solo"]);

/**
 * [core.async mix] Puts the values of its inputs on `out`, with per-input mute, pause and solo.
 * One select over the inputs that are read, so no input is favoured; a slow `out` slows every
 * input. Muted inputs are taken and dropped; paused ones are not taken; while any input is
 * soloed, the others are muted or paused as `soloMode` says (default `"mute"`).
 *
 * An input that closes leaves the mix. The mix never closes `out` (core.async); it stops for
 * good once `out` refuses a value (it was closed).
 * @example
 * const m = mix(speaker);
 * m.admix(radio);
 * m.admix(alarm);
 * m.toggle(new Map([[alarm, { solo: true }]]));
 */
export function mix<T>(out: Channel<T>): Mix<T> {
  checkChannel("mix", "out", out);
  const inputs = new Map<Channel<T>, MixState>();
  let mode: SoloMode = "mute";
  const changed = new Channel<true>(sliding(1));
  const change = (): void => void changed.offer(true);

  spawn(async () => {
    while (!out.closed) {
      // Phase 1: what to read and what to hear, from the table as it is now.
      const solos = new Set<Channel<T>>();
      const mutes = new Set<Channel<T>>();
      for (const [ch, state] of inputs) {
        if (state.solo) solos.add(ch);
        if (state.mute) mutes.add(ch);
      }
      const reads: Channel<unknown>[] = [changed];
      for (const [ch, state] of inputs) {
        if (solos.has(ch) || ((solos.size === 0 || mode === "mute") && !state.pause))
          reads.push(ch);
      }
      // Phase 2: wait for a value or a change.
      const { channel, value } = await select(reads);
      if (channel === changed) continue;
      const input = channel as Channel<T>;
      if (value === undefined) {
        inputs.delete(input);
        continue;
      }
      // Phase 3: hear it or drop it, by the state the value was read under.
      const heard = solos.size > 0 ? solos.has(input) : !mutes.has(input);
      if (heard && !(await out.put(value as T))) return;
    }
  });

  return {
    admix(ch: Channel<T>): void {
      checkChannel("admix", "ch", ch);
      inputs.set(ch, {});
      change();
    },
    unmix(ch: Channel<T>): void {
      checkChannel("unmix", "ch", ch);
      if (inputs.delete(ch)) change();
    },
    unmixAll(): void {
      inputs.clear();
      change();
    },
    toggle(states: Map<Channel<T>, MixState>): void {
      if (!(states instanceof Map)) {
        throw new TypeError(
          `toggle: states must be a Map of channel → { mute?, pause?, solo? }, got ${describe(states)}`,
        );
      }
      for (const [ch, state] of states) {
        checkChannel("toggle", "a key of states", ch);
        if (typeof state !== "object" || state === null) {
          throw new TypeError(
            `toggle: the state of ${String(ch)} must be an object such as { mute: true }, got ${describe(state)}`,
          );
        }
        for (const [key, flag] of Object.entries(state)) {
          if (!STATE_KEYS.has(key)) {
            throw new TypeError(`toggle: unknown state "${key}" (use mute, pause or solo)`);
          }
          if (flag !== undefined && typeof flag !== "boolean") {
            throw new TypeError(`toggle: state.${key} must be a boolean, got ${describe(flag)}`);
          }
        }
      }
      // Checked first, applied after: a bad map changes nothing.
      for (const [ch, state] of states) {
        const merged: MixState = { ...inputs.get(ch) };
        for (const key of ["mute", "pause", "solo"] as const) {
          if (state[key] !== undefined) merged[key] = state[key];
        }
        inputs.set(ch, merged);
      }
      change();
    },
    soloMode(next: SoloMode): void {
      if (next !== "mute" && next !== "pause") {
        throw new TypeError(`soloMode: mode must be "mute" or "pause", got ${describe(next)}`);
      }
      mode = next;
      change();
    },
  };
}
