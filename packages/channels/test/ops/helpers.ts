import { flush } from "../helpers";

export { flush, watch } from "../helpers";

/** Lets chained operator loops run to a standstill: a few macrotask turns. */
export async function settle(turns = 8): Promise<void> {
  for (let i = 0; i < turns; i++) await flush();
}

/** A real timer of a few milliseconds, for work that must finish out of order. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `body` with jest's unhandled-rejection listeners swapped for one that records, so a test
 * can assert that an operator re-raised an error from user code instead of losing it.
 */
export async function catchUnhandled(body: (seen: unknown[]) => Promise<void>): Promise<void> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => void seen.push(reason);
  const saved = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", listener);
  try {
    await body(seen);
  } finally {
    process.removeListener("unhandledRejection", listener);
    for (const l of saved) process.on("unhandledRejection", l);
  }
}
