// A native send batch packed for the addon (native/sluice.cc sendPacked): the messages' frames
// copied one after another into one reusable slab, beside a layout of frame counts and
// lengths, so the addon reads no JS value per message or frame (decisions P47).
//
// Invariants:
// - layout, per message: its frame count, then each frame's length in bytes; the frames' bytes
//   follow one another in the slab in that order, from offset 0.
// - Only a message of at most PACK_MESSAGE bytes is packed, and a batch takes no more once it
//   holds PACK_BYTES, so the slab (kept as long as the socket) stays under their sum. Anything
//   else goes by reference (the addon's send()).
import { isPart, type Message, type Part } from "../frames";

/** The biggest message that is copied into the slab (bigger ones go by reference). */
export const PACK_MESSAGE = 8 * 1024;
/** A packed batch takes no more messages once its slab holds this many bytes. */
export const PACK_BYTES = 64 * 1024;

/** The slab's and the layout's first sizes, once a socket sends: a socket that never sends
 * (a PULL, a SUB) holds neither. */
const FIRST_BYTES = 4 * 1024;
const FIRST_WORDS = 64;
const EMPTY = Buffer.alloc(0);
const NO_WORDS = new Uint32Array(0);

export class SendPacker {
  slab = EMPTY;
  layout = NO_WORDS;
  /** Set when pack() stopped at a message that is not one any more (changed after its put). */
  malformed = false;
  #words = 0; // layout slots used
  #bytes = 0; // slab bytes used

  /** Packs the messages at the start of `batch` that may be packed; how many it packed. */
  pack(batch: readonly Message[]): number {
    this.#words = 0;
    this.#bytes = 0;
    this.malformed = false;
    let n = 0;
    while (n < batch.length && this.#bytes < PACK_BYTES && this.#add(batch[n]!)) n++;
    return n;
  }

  // The put checked the message, but an array can change after it (docs/zmq.md "Buffers"), and
  // a Uint8Array's `length` is a getter a subclass may override: each part is checked again
  // here and measured by its own bytes (what slab.set copies), so the layout always matches
  // the slab and no stale slab byte goes out.
  #add(message: Message): boolean {
    const parts = Array.isArray(message) ? message : undefined;
    let size = 0;
    if (parts === undefined) size = sizeOf(message as Part);
    else if (parts.length === 0) size = NaN;
    else for (let p = 0; p < parts.length; p++) size += sizeOf(parts[p]!);
    if (!(size >= 0)) {
      this.malformed = true; // NaN: a part that is no string or Uint8Array
      return false;
    }
    if (size > PACK_MESSAGE) return false;
    const frames = parts === undefined ? 1 : parts.length;
    this.#room(1 + frames, size);
    const layout = this.layout;
    let w = this.#words;
    layout[w++] = frames;
    if (parts === undefined) {
      layout[w++] = this.#copy(message as Part);
    } else {
      for (let p = 0; p < parts.length; p++) layout[w++] = this.#copy(parts[p]!);
    }
    this.#words = w;
    return true;
  }

  // Copies one frame to the slab's end; its length in bytes.
  #copy(part: Part): number {
    const at = this.#bytes;
    // #room() made space for sizeOf(part) bytes, which is what write() encodes and set() copies.
    const n =
      typeof part === "string"
        ? this.slab.write(part, at)
        : (this.slab.set(part, at), byteLengthOf.call(part));
    this.#bytes = at + n;
    return n;
  }

  // Grows the layout and the slab, keeping what they hold, to take `words` and `bytes` more.
  #room(words: number, bytes: number): void {
    if (this.#words + words > this.layout.length) {
      const size = Math.max(this.layout.length * 2, this.#words + words, FIRST_WORDS);
      const layout = new Uint32Array(size);
      layout.set(this.layout.subarray(0, this.#words));
      this.layout = layout;
    }
    if (this.#bytes + bytes > this.slab.length) {
      const size = Math.max(this.slab.length * 2, this.#bytes + bytes, FIRST_BYTES);
      const slab = Buffer.allocUnsafeSlow(size);
      this.slab.copy(slab, 0, 0, this.#bytes);
      this.slab = slab;
    }
  }
}

// A typed array's own byte length (the intrinsic getter: a subclass cannot override it).
const byteLengthOf = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  "byteLength",
)!.get as (this: Uint8Array) => number;

// A part's size in bytes; NaN for what is no part.
function sizeOf(part: Part): number {
  if (typeof part === "string") return Buffer.byteLength(part);
  if (!(part instanceof Uint8Array)) return NaN;
  const n = byteLengthOf.call(part);
  // a view detached since its put measures 0, and set() would throw copying it (P66)
  return n !== 0 || isPart(part) ? n : NaN;
}
