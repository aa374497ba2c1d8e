// What a socket of the native engine has received and the sink has not yet taken: one native
// receive returns a batch of messages in one slab Buffer, cut here into frames (views, no copy);
// a big frame comes lent instead, a Buffer of its own over libzmq's message (decisions P56).
//
// Invariants:
// - Messages received but not taken by the sink are held here and delivered first by the next
//   receive(); a multipart message cut by a full batch is completed by the next batch.
import type { Frame } from "../frames";
import { FRAME_LENT, FRAME_MORE, META_COUNT, META_FRAMES } from "./native-addon";

// A frame: a view into a batch's slab that is a Buffer (`Buffer.isBuffer`, `instanceof Buffer`,
// every Buffer method), made as Node makes its own (an internal Uint8Array subclass whose
// prototype is Buffer's) without Buffer.from()'s argument checks: ~20 ns a view here against
// ~40 (decisions P55). Its `constructor` is Buffer's, inherited.
class FrameView extends Uint8Array {}
Object.setPrototypeOf(FrameView.prototype, Buffer.prototype);
delete (FrameView.prototype as { constructor?: unknown }).constructor;

export class NativeReceived {
  #held: Frame[][] = []; // received, not yet taken by the sink
  #heldAt = 0;
  #partial: Frame[] | undefined; // the first frames of a message cut by a full batch

  /** The next message held, or undefined (and nothing is held any more). */
  next(): Frame[] | undefined {
    if (this.#heldAt < this.#held.length) return this.#held[this.#heldAt++]!;
    this.#held = [];
    this.#heldAt = 0;
    return undefined;
  }

  /** The sink stopped taking: drops what it took once that is worth a copy. */
  compact(): void {
    if (this.#heldAt > 64) {
      this.#held = this.#held.slice(this.#heldAt);
      this.#heldAt = 0;
    }
  }

  /**
   * Cuts a batch into frames and whole messages (`meta`: its layout): the slab's frames are
   * views into it (no copy); a lent frame (a big one) is a Buffer of its own, next in `batch`.
   */
  slice(batch: Buffer | Buffer[], meta: Float64Array): void {
    const count = meta[META_COUNT]!;
    const held = this.#held;
    const lent = Array.isArray(batch) ? batch : undefined;
    const slab = lent === undefined ? (batch as Buffer) : lent[0]!;
    const memory = slab.buffer as ArrayBuffer; // napi_create_buffer: never shared
    let at = slab.byteOffset;
    let nextLent = 1;
    let frames = this.#partial;
    for (let i = 0; i < count; i++) {
      const word = meta[META_FRAMES + i]!; // size * 4 + flags: exact in a double up to 2^51
      const size = Math.floor(word / 4);
      const flags = word % 4;
      let frame: Buffer;
      if ((flags & FRAME_LENT) !== 0) {
        frame = lent![nextLent++]!;
      } else {
        frame = new FrameView(memory, at, size) as Buffer;
        at += size;
      }
      if ((flags & FRAME_MORE) !== 0) {
        (frames ??= []).push(frame);
      } else if (frames === undefined) {
        // A one-frame message made whole: `[]` and a push would allocate room for 17 frames
        // (V8 grows an empty array so), garbage for every message (decisions P48).
        held.push([frame]);
      } else {
        frames.push(frame);
        held.push(frames);
        frames = undefined;
      }
    }
    this.#partial = frames;
  }
}
