// What a socket of the native engine has received and the sink has not yet taken: one native
// receive returns a batch of messages in one slab Buffer, cut here into frames (views, no copy).
//
// Invariants:
// - Messages received but not taken by the sink are held here and delivered first by the next
//   receive(); a multipart message cut by a full batch is completed by the next batch.
import type { Frame } from "../frames";
import { META_COUNT, META_FRAMES } from "./native-addon";

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

  /** Cuts a batch's slab into frames (views, no copy) and whole messages (`meta`: its layout). */
  slice(slab: Buffer, meta: Float64Array): void {
    const count = meta[META_COUNT]!;
    const held = this.#held;
    const memory = slab.buffer as ArrayBuffer; // napi_create_buffer: never shared
    let at = slab.byteOffset;
    let frames = this.#partial;
    for (let i = 0; i < count; i++) {
      const word = meta[META_FRAMES + i]!;
      const size = Math.floor(word / 2);
      const frame = new FrameView(memory, at, size) as Buffer;
      at += size;
      if (word % 2 === 1) {
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
