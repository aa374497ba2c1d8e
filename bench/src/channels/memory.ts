// Memory per idle channel and per pending take, as heap growth after a full GC. Runs as its own
// node process per library (`node --expose-gc memory.js NAME N`): nothing else lives in that
// heap, and one library's garbage cannot be billed to another.
// per idle channel  = heap growth for n idle channels (+ their 8-byte array slot) / n
// per pending take  = heap growth for n channels with one pending take each, less n idle
//                     channels, / n: the pending operation, its promise (held, as a caller
//                     holds it) and one more array slot.
import { runJsonChild } from "../child";
import { libNamed } from "./libs";

export interface MemoryResult {
  lib: string;
  n: number;
  idleBytes: number;
  pendingTakeBytes: number;
}

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("memory.js needs node --expose-gc");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Runs in the child: measures one library, returns bytes per item. */
export function measureMemory(name: string, n: number): MemoryResult {
  const lib = libNamed(name);
  // warm the library's code and shapes, so its one-off allocations are not billed per item
  lib.idle(64);
  lib.pendingTakes(64);
  const h0 = heap();
  const idle = lib.idle(n);
  const h1 = heap();
  const pending = lib.pendingTakes(n);
  const h2 = heap();
  if (idle.length !== n || pending.length !== 2 * n) throw new Error(`${name}: wrong item count`);
  const idleBytes = (h1 - h0) / n;
  return { lib: name, n, idleBytes, pendingTakeBytes: (h2 - h1) / n - idleBytes };
}

/** Runs in the parent: one child per library, bounded in time, killed if it overruns. */
export function memoryInChild(name: string, n: number, timeoutMs = 60_000): Promise<MemoryResult> {
  const what = `memory child for ${name}`;
  return runJsonChild<MemoryResult>(
    what,
    ["--expose-gc"],
    __filename,
    [name, String(n)],
    timeoutMs,
  );
}

if (require.main === module) {
  const [name, n] = process.argv.slice(2);
  process.stdout.write(JSON.stringify(measureMemory(name ?? "", Number(n ?? 100_000))));
}
