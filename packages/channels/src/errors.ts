// What error messages share: naming a bad argument so a wrong call is found from the message.

/**
 * A short description of a bad argument for an error message: `the number 42`, `the string
 * "x"` (`a string of 300 characters` when long), `an array`, `a Map`, `null`. (@sluice/zmq-channels
 * words its errors the same way: its frames.ts `describeValue`.)
 */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "string") {
    return value.length > 40
      ? `a string of ${value.length} characters`
      : `the string ${JSON.stringify(value)}`;
  }
  if (typeof value !== "object") return `the ${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return "an array";
  const name = (value as object).constructor?.name;
  if (!name || name === "Object") return "an object";
  return /^(?:[AEIO]|U(?!int|ni))/.test(name) ? `an ${name}` : `a ${name}`; // a Uint8Array
}

/**
 * describe(), for a value that is not one of this copy's Channels where one was wanted: a
 * Channel of another copy of @sluice/channels (two versions installed) is said to be one.
 */
export function describeNotChannel(value: unknown): string {
  if (isForeignChannel(value)) {
    return `${describe(value)} from another copy of @sluice/channels (two versions are installed: \`npm ls @sluice/channels\`; one copy must serve every package)`;
  }
  return describe(value);
}

/** Whether `value` is a Channel by its class's name (of any copy of this package). */
export function isForeignChannel(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === "Channel") return true;
  }
  return false;
}

/**
 * The option keys of one call: check() throws a TypeError naming the call and the key when
 * `opts` has any other, since a misspelt `signal` would otherwise be ignored, and with it the
 * cancellation. Walking the keys costs ~35 ns here, a fifth of a put or take with options, so
 * the object checked last is remembered (a loop that passes one options object pays a compare)
 * and held until the next call with another: one small object per kind of call.
 */
export class OptionKeys {
  #last: object | undefined;
  constructor(
    readonly call: string,
    readonly keys: readonly string[],
  ) {}
  check(opts: object): void {
    if (opts === this.#last) return;
    for (const key in opts) {
      if (!this.keys.includes(key)) {
        const known = this.keys.map((k) => `"${k}"`).join(", ");
        throw new TypeError(`${this.call}: unknown option "${key}" (the options are ${known})`);
      }
    }
    this.#last = opts;
  }
}

/**
 * Throws a TypeError naming `call` unless `signal` is an AbortSignal (checked by shape, so a
 * signal from another realm or a polyfill passes).
 */
export function checkSignal(call: string, signal: unknown): asserts signal is AbortSignal {
  const s = signal as Partial<AbortSignal> | null;
  if (
    typeof s === "object" &&
    s !== null &&
    typeof s.aborted === "boolean" &&
    typeof s.addEventListener === "function" &&
    typeof s.removeEventListener === "function"
  ) {
    return;
  }
  throw new TypeError(`${call}: opts.signal must be an AbortSignal, got ${describe(signal)}`);
}
