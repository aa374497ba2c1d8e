// Where a Pump reports what failed: its `errors` channel (pump.errors) and the count of the
// reports that did not fit (pump.droppedErrors).
//
// Invariants:
// - A report is offered, never waited on: what does not fit is counted, and logged.
import { chan, type Channel } from "@sluice/channels";
import { debug } from "./debug";
import type { PumpError } from "./errors";
import { ERRORS_BUFFER } from "./tuning";

export class Reports {
  readonly channel: Channel<PumpError> = chan<PumpError>(ERRORS_BUFFER);
  #dropped = 0;

  /** How many reports did not fit on `channel` (nobody was taking) and were dropped. */
  get dropped(): number {
    return this.#dropped;
  }

  report(error: PumpError): void {
    const kept = this.channel.offer(error);
    if (!kept) this.#dropped++;
    if (debug.enabled)
      debug("error%s: %s", kept ? "" : " (dropped: errors is full)", error.message);
  }
}
