// What goes in and out of a socket. A Message is what a user puts on `send`; Frame[] is what
// arrives on `recv`. Validation lives here so that the `send` channel can refuse a bad value at
// the put (API.md: "rejected at the put with a TypeError naming what was wrong").

/**
 * One frame as it arrives from ZeroMQ: always a Node `Buffer` [zmq_msg_t].
 * @example const [identity, body] = (await router.recv.take())!;
 */
export type Frame = Buffer;

/**
 * One frame as it may be sent [zmq_msg_t]: a string (UTF-8), a Buffer or a Uint8Array.
 * @example const part: Part = Buffer.from([1, 2, 3]);
 */
export type Part = string | Buffer | Uint8Array;

/**
 * What may be put on a `send` channel: one frame, or a non-empty array of frames (multipart).
 * It waits in `send` by reference, and a `Buffer` or `Uint8Array` over 128 bytes is sent
 * zero-copy: neither it nor its frames may change after the put.
 * @example await sockets.send.put(["topic", Buffer.from("payload")]);
 */
export type Message = Part | readonly Part[];

/** A string or a Uint8Array (not detached). */
export function isPart(value: unknown): value is Part {
  return (
    typeof value === "string" ||
    (value instanceof Uint8Array && (value.byteLength !== 0 || !detached(value)))
  );
}

// A view of a buffer that was transferred away (postMessage, structuredClone) reads as empty,
// and copying from it throws; making a view of its buffer is the test Node 20 has for it.
function detached(view: Uint8Array): boolean {
  try {
    new Uint8Array(view.buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

// What a value that is not a Part is, for "got …".
function notPart(value: unknown): string {
  return value instanceof Uint8Array
    ? `${describeValue(value)} whose ArrayBuffer was detached (transferred away)`
    : describeValue(value);
}

/**
 * A short description of a value for an error message: `the number 42`, `the string "x"` (`a
 * string of 300 characters` when long), `an array`, `a Map`, `null`. (@sluice/channels words
 * its errors the same way: its errors.ts `describe`.)
 */
export function describeValue(value: unknown): string {
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
 * A call's options: an object with none but the keys the call knows (`call` names it in the
 * TypeError otherwise), as every call of the pump's checks them.
 */
export function checkOpts(call: string, opts: unknown, keys: readonly string[]): void {
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`${call}: opts must be an object, got ${describeValue(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!keys.includes(key)) {
      throw new TypeError(`${call}: unknown key "${key}" (expected ${keys.join(", ")})`);
    }
  }
}

/**
 * Says what is wrong with `value` as a Message, or returns `undefined` when it is one.
 * The text completes "expected a Message (…), got …".
 */
export function messageProblem(value: unknown): string | undefined {
  if (isPart(value)) return undefined;
  const expected = "expected a Message (string, Buffer, Uint8Array or a non-empty array of them)";
  if (Array.isArray(value)) {
    if (value.length === 0) return `${expected}, got an empty array (a message needs a frame)`;
    for (let i = 0; i < value.length; i++) {
      if (!isPart(value[i])) return `${expected}, got ${notPart(value[i])} at frame ${i}`;
    }
    return undefined;
  }
  return `${expected}, got ${notPart(value)}`;
}

/**
 * The message shape a kind needs (kinds.ts). The draft kinds: one body frame, after an envelope
 * frame when there is one — a routing id (SERVER: a 4-byte big-endian Buffer) or a group (RADIO,
 * DISH) — or after an address (DATAGRAM, `addressed`: an ordinary first frame, no envelope).
 * ROUTER and STREAM (`routed`): a peer's routing id as an ordinary first frame, then the body:
 * any number of frames, or exactly one (STREAM).
 */
export interface Framing {
  readonly envelope?: "routingId" | "group" | undefined;
  readonly addressed?: boolean | undefined;
  readonly routed?: "multipart" | "one" | undefined;
}

/** The biggest datagram body libzmq's UDP engine copies into its buffer (MAX_UDP_MSG). */
export const DATAGRAM_MAX_BODY = 8192;

// libzmq's UDP engine sends to what inet_addr reads and drops anything else unsaid, and copies
// the body into a buffer of DATAGRAM_MAX_BODY bytes without checking: both refused here.
function datagramProblem(frames: readonly Part[]): string | undefined {
  if (frames.length !== 2) {
    return `expected [address, body], got ${frames.length} frame${frames.length === 1 ? "" : "s"}`;
  }
  const address = frames[0]!;
  const text = (typeof address === "string" ? address : Buffer.from(address).toString("latin1"))
    // a received address ends with a NUL byte, and goes back as it came
    .replace(/\0$/, "");
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(text);
  if (
    m === null ||
    m.slice(1, 5).some((o) => Number(o) > 255) ||
    !(Number(m[5]) >= 1 && Number(m[5]) <= 65535)
  ) {
    return `expected the address as "ipv4:port" (127.0.0.1:5555), got ${describeValue(address)}`;
  }
  const part = frames[1]!;
  const body = typeof part === "string" ? Buffer.byteLength(part) : part.length;
  if (body > DATAGRAM_MAX_BODY) {
    return `a datagram's body takes at most ${DATAGRAM_MAX_BODY} bytes (libzmq's UDP engine), got ${body}`;
  }
  return undefined;
}

// libzmq drops a ROUTER's one-frame message unsaid (the frame is taken for a routing id with no
// body), even with `mandatory`; a STREAM takes any frame after the body for the next message's
// routing id, so one malformed message puts every later one out of step. Both refused here.
function routedProblem(frames: readonly Part[], body: "multipart" | "one"): string | undefined {
  if (body === "one" ? frames.length === 2 : frames.length >= 2) return undefined;
  const expected = body === "one" ? "[routing id, data]" : "[routing id, ...body]";
  return `expected ${expected} (the first frame names the peer), got ${frames.length} frame${frames.length === 1 ? "" : "s"}`;
}

/** ZeroMQ's longest group name (ZMQ_GROUP_MAX_LENGTH). */
export const GROUP_MAX_LENGTH = 255;

/** "a group of N bytes (…)" for a group a DISH cannot join (longer than ZeroMQ's groups), or `undefined`. */
export function groupTooLong(group: string | Buffer): string | undefined {
  const bytes = Buffer.byteLength(group);
  return bytes > GROUP_MAX_LENGTH
    ? `a group of ${bytes} bytes (ZeroMQ's groups take at most ${GROUP_MAX_LENGTH})`
    : undefined;
}

/** Says what is wrong with a Message for a kind with `framing`, or `undefined`. */
export function framingProblem(framing: Framing | undefined, value: Message): string | undefined {
  if (framing === undefined) return undefined;
  const frames = Array.isArray(value) ? value : [value];
  if (framing.routed !== undefined) return routedProblem(frames, framing.routed);
  const envelope = framing.envelope;
  if (framing.addressed === true) return datagramProblem(frames);
  if (envelope === undefined) {
    return frames.length === 1
      ? undefined
      : `expected one frame (this kind has no multipart), got ${frames.length}`;
  }
  if (frames.length !== 2) {
    return `expected [${envelope === "group" ? "group" : "routing id"}, body], got ${frames.length} frame${frames.length === 1 ? "" : "s"}`;
  }
  const head = frames[0]!;
  if (envelope === "routingId" && (typeof head === "string" || head.length !== 4)) {
    return `expected the routing id as a 4-byte Buffer (32 bits, big-endian), got ${describeValue(head)}${typeof head === "string" ? "" : ` of ${head.length} bytes`}`;
  }
  if (envelope === "group" && Buffer.byteLength(head) > GROUP_MAX_LENGTH) {
    return `the group is longer than ${GROUP_MAX_LENGTH} bytes`;
  }
  return undefined;
}

/**
 * The failure, reported by either engine as it sends, of a message that changed after its put
 * into something that is not a message (the put checked it; P61).
 */
export function changedAfterPut(message: unknown): Error {
  const problem = messageProblem(message) ?? "a frame's bytes changed";
  return Object.assign(new Error(`${problem} (the message was changed after its put)`), {
    code: "EINVAL",
  });
}
