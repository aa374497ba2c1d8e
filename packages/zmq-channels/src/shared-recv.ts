// A `recv` channel may be shared by several sockets, across pumps (fan-in): it closes when
// the last of them is done with it (P18).
import type { Channel } from "@sluice/channels";
import type { Frame } from "./frames";

const users = new WeakMap<Channel<Frame[]>, number>();

/** Counts one more socket putting on `recv`; returns its release (idempotent). */
export function useRecv(recv: Channel<Frame[]>): () => void {
  users.set(recv, (users.get(recv) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (users.get(recv) ?? 1) - 1;
    if (left > 0) {
      users.set(recv, left);
      return;
    }
    users.delete(recv);
    recv.close();
  };
}
