import { flush } from "../helpers";
import * as raiseModule from "../../src/ops/raise";

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
 * Runs `body` while recording what the operators re-raise (src/ops/raise.ts), instead of letting
 * it become an unhandled rejection, which jest would report as a failure of the test. That
 * raise() really reaches the process is shown once, in a child process, by raise.test.ts.
 */
export async function catchRaised(body: (raised: unknown[]) => Promise<void>): Promise<void> {
  const raised: unknown[] = [];
  const spy = jest
    .spyOn(raiseModule, "raise")
    .mockImplementation((error) => void raised.push(error));
  try {
    await body(raised);
  } finally {
    spy.mockRestore();
  }
}

// Every ops test is quick; a hang should fail in seconds, not at the 30 s default.
jest.setTimeout(5000);
