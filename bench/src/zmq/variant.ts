// The work the ZeroMQ group measures, as one interface with three implementations: plain
// zeromq.js written the way its docs show (plain.ts), and the sluice pump (pump.ts) on each of
// its engines (native.ts for the native one). Both ends
// of every measurement use the same variant. Every message carries its index (1..n) in its
// first four bytes, so the receiving side's sum is the checksum.

/** What a receiving side counted: the sum of the indices, and first-to-last-message time. */
export interface Tally {
  sum: number;
  seconds: number;
}

export interface Receiver {
  endpoint: string;
  receive(n: number): Promise<Tally>;
  close(): Promise<void>;
}

export interface ManyReceivers {
  endpoints: string[];
  /** receives n messages in all; socket j gets `counts[j]` of them */
  receive(n: number, counts: readonly number[]): Promise<Tally>;
  close(): Promise<void>;
}

export interface Client {
  /** sends `payload` and waits for the reply */
  roundTrip(payload: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

export interface Closer {
  close(): Promise<void>;
}

export interface Server {
  endpoint: string;
  close(): Promise<void>;
}

export interface DealerEnd {
  /** the first message, so the ROUTER learns this peer's identity */
  hello(): Promise<void>;
  send(n: number, size: number): Promise<void>;
  receive(n: number): Promise<Tally>;
  close(): Promise<void>;
}

export interface RouterEnd {
  endpoint: string;
  /** waits for a DEALER's hello; returns its identity */
  peer(): Promise<Buffer>;
  send(id: Buffer, n: number, size: number): Promise<void>;
  receive(n: number): Promise<Tally>;
  close(): Promise<void>;
}

export type VariantName = "sluice native" | "sluice on zeromq.js" | "plain zeromq.js";

/** The variants that run only PUSH→PULL: the fast-path loop with no channels (fastpath.ts),
 * and the native pump driven by bulk loops (bulk.ts). */
export type CeilingName = "zeromq.js fast path" | "sluice native, bulk loops";

/** What every PUSH→PULL row needs: a PULL that counts, and a PUSH that sends 1..n. */
export interface PushPull {
  name: VariantName | CeilingName;
  pull(bind: string): Promise<Receiver>;
  /**
   * connects a PUSH and sends 1..n; the socket stays open until the receiver has counted
   * them all (closing right after the last send lost messages over ipc, linger or not)
   */
  push(connect: string, n: number, size: number): Promise<Closer>;
}

export interface Variant extends PushPull {
  name: VariantName;
  pulls(binds: readonly string[]): Promise<ManyReceivers>;
  /** PUSH j of k sends the indices j+1, j+1+k, … up to n */
  pushes(connects: readonly string[], n: number, size: number): Promise<Closer>;
  echo(kind: "rep" | "router", bind: string): Promise<Server>;
  client(kind: "req" | "dealer", connect: string): Promise<Client>;
  dealer(connect: string): Promise<DealerEnd>;
  router(bind: string): Promise<RouterEnd>;
}

/** A fresh message of `size` bytes carrying index i. */
export function message(i: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  b.writeUInt32LE(i, 0);
  return b;
}

export function indexOf(frame: Buffer | undefined): number {
  if (frame === undefined || frame.length < 4) throw new Error("bench: a message without an index");
  return frame.readUInt32LE(0);
}

/**
 * Times first-to-last message: connection setup is not throughput. `tick()` once per message
 * received reads the clock only at the first and the n-th: a read costs about 40 ns, a tenth
 * of a message's budget at 2M msg/s, and the C reference reads it twice a run (B16).
 */
export class Clock {
  #t0 = 0n;
  #t1 = 0n;
  #seen = 0;
  constructor(readonly n: number) {}
  tick(): void {
    const seen = ++this.#seen;
    if (seen === 1) this.#t0 = this.#t1 = process.hrtime.bigint();
    else if (seen === this.n) this.#t1 = process.hrtime.bigint();
  }
  /** seconds for the n messages, extrapolated from the n-1 gaps between first and last */
  seconds(): number {
    const n = this.n;
    const s = Number(this.#t1 - this.#t0) / 1e9;
    return n > 1 ? (s * n) / (n - 1) : s;
  }
}
