/*
 * Argument checks shared by the operators. Misuse throws at the call (a TypeError or RangeError,
 * docs/channels.md "Operators"), with a message that names the operator, the argument and what
 * it got, so a wrong call is found from the stack trace alone.
 */
import type { Buffer } from "../buffers";
import { Channel } from "../channel";
import { describe, describeNotChannel, OptionKeys } from "../errors";
import { raise } from "./raise";

/** What an operator accepts where core.async takes a buf-or-n. */
export type BufferSpec<T> = number | Buffer<T>;

/** Options of the operators that may close their output [core.async's close? argument]. */
export interface CloseOptions {
  /** Close the output once the input closes. Defaults to `true`, as in core.async. */
  close?: boolean | undefined;
}

export function checkChannel(op: string, name: string, value: unknown): void {
  if (!(value instanceof Channel)) {
    throw new TypeError(`${op}: ${name} must be a Channel, got ${describeNotChannel(value)}`);
  }
}

export function checkFunction(op: string, name: string, value: unknown): void {
  if (typeof value !== "function") {
    throw new TypeError(`${op}: ${name} must be a function, got ${describe(value)}`);
  }
}

const CLOSE_KEYS = new Map<string, OptionKeys>();

/** `opts` of an operator that may close its output: `keys` are all the operator's options. */
export function checkCloseOptions(
  op: string,
  opts: unknown,
  keys: readonly string[] = ["close"],
): boolean {
  if (opts === undefined) return true;
  if (typeof opts !== "object" || opts === null) {
    throw new TypeError(
      `${op}: opts must be an object such as { close: false }, got ${describe(opts)}`,
    );
  }
  let check = CLOSE_KEYS.get(op);
  if (check === undefined) CLOSE_KEYS.set(op, (check = new OptionKeys(op, keys)));
  check.check(opts);
  const close = (opts as CloseOptions).close;
  if (close !== undefined && typeof close !== "boolean") {
    throw new TypeError(`${op}: opts.close must be a boolean, got ${describe(close)}`);
  }
  return close ?? true;
}

/** A count: a TypeError unless a number, a RangeError unless a whole number of at least `least`. */
export function checkCount(op: string, name: string, value: unknown, least: number): void {
  if (typeof value !== "number") {
    throw new TypeError(`${op}: ${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < least) {
    throw new RangeError(
      `${op}: ${name} must be a whole number of at least ${least}, got ${String(value)}`,
    );
  }
}

export function checkBoolean(op: string, name: string, value: unknown): void {
  if (typeof value !== "boolean") {
    throw new TypeError(`${op}: ${name} must be a boolean, got ${describe(value)}`);
  }
}

/** A channel for an operator's output; a bad buffer is reported under the operator's name. */
export function outputChannel<T>(
  op: string,
  name: string,
  buffer: BufferSpec<T> | undefined,
): Channel<T> {
  try {
    return new Channel<T>(buffer);
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`${op}: ${name}: ${error.message}`);
    if (error instanceof TypeError) throw new TypeError(`${op}: ${name}: ${error.message}`);
    throw error;
  }
}

/**
 * Starts an operator's loop [core.async go-loop]. Nobody awaits it, on purpose: the loop ends by
 * itself when its input closes. If user code inside it throws, the loop has already closed what
 * it must (in its own `finally`), and the error goes to {@link raise}.
 */
export function spawn(loop: () => Promise<void>): void {
  loop().catch(raise);
}
