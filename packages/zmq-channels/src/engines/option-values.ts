// What a numeric option can hold, checked the same for both engines before either sets it
// (engines/native.ts and zeromq.ts at socket(), control.ts at set()).
import { describeValue } from "../frames";
import type { KindInfo } from "../kinds";
import { optionCall, type OptionCall } from "./native-options";

// The integers each numeric option type holds. zeromq.js and N-API wrap or clamp what is
// outside silently (an affinity of -1 became 0 on one engine and 2^64 - 1 on the other).
const RANGES: Readonly<Record<string, readonly [number, number]>> = {
  Int32: [-(2 ** 31), 2 ** 31 - 1],
  Uint32: [0, 2 ** 32 - 1],
  Int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  Uint64: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * Throws a TypeError for a number that option `name` cannot hold as given (a fraction, or out
 * of its type's range), before either engine sets it; anything else is the engine's to judge.
 * Returns what setting it does in libzmq terms (optionCall), undefined for no such option.
 */
export function checkOptionValue(
  info: KindInfo,
  name: string,
  value: unknown,
): OptionCall | undefined {
  const call = optionCall(info, name, value);
  const range = call === undefined ? undefined : RANGES[call.type];
  if (range === undefined || typeof call!.value !== "number") return call;
  const v = call!.value;
  if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
    throw new TypeError(`it must be an integer from ${range[0]} to ${range[1]}`);
  }
  return call;
}

// Options that hold a secret: an error about one says what it was, never what it held (a
// mistyped key is nearly the key, and errors end up in logs).
const SECRETS: ReadonlySet<string> = new Set(["curveSecretKey", "plainPassword"]);

/** Option `name`'s value as an error about it shows it. */
export function describeOptionValue(name: string, value: unknown): string {
  if (!SECRETS.has(name)) return describeValue(value);
  if (typeof value === "string") return `a string of ${value.length} characters (not shown)`;
  if (value instanceof Uint8Array)
    return `${describeValue(value)} of ${value.length} bytes (not shown)`;
  return describeValue(value);
}
