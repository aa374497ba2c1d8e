// The pump on its native engine: every workload with the same code as pump.ts, made with
// `new Pump({ engine: "native" })`. Skipped, with a note, when the native engine was not built
// (no compiler): `nativeProblem()` says why.
import { Pump } from "@sluice/zmq-channels";
import { pumpVariant } from "./pump";

/** Why the native engine cannot run here, or undefined when it can. */
export function nativeProblem(): string | undefined {
  try {
    void new Pump({ engine: "native" }).close();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export const native = pumpVariant("sluice native", "native");
