// Peak RSS and event-loop delay of one variant alone in a fresh process
// (`node solo.js VARIANT N`): inproc PUSH→PULL, 1 KiB, N messages, both ends in this process.
// A process's peak RSS never goes down, so each variant needs a process of its own (and reads
// VmHWM: maxRSS would carry the bench's own peak over the exec, watch.ts).
import { runJsonChild } from "../child";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { triangle } from "../measure";
import { VARIANTS } from "./peer";
import type { VariantName } from "./variant";
import { peakRssMB } from "./watch";

export interface SoloResult {
  variant: VariantName;
  n: number;
  ok: boolean;
  rate: number;
  peakRssMB: number;
  eldP99ms: number;
}

async function solo(name: VariantName, n: number): Promise<SoloResult> {
  const v = VARIANTS[name];
  const eld = monitorEventLoopDelay({ resolution: 2 });
  eld.enable();
  const r = await v.pull(`inproc://sluice-bench-solo`);
  const sent = v.push(r.endpoint, n, 1024);
  const tally = await r.receive(n);
  await (await sent).close();
  await r.close();
  eld.disable();
  return {
    variant: name,
    n,
    ok: tally.sum === triangle(n),
    rate: n / tally.seconds,
    peakRssMB: peakRssMB(),
    eldP99ms: eld.percentile(99) / 1e6,
  };
}

export function soloInChild(
  name: VariantName,
  n: number,
  timeoutMs = 120_000,
): Promise<SoloResult> {
  return runJsonChild<SoloResult>(
    `solo child for ${name}`,
    [],
    __filename,
    [name, String(n)],
    timeoutMs,
  );
}

if (require.main === module) {
  const [name, n] = process.argv.slice(2);
  solo(name as VariantName, Number(n)).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (e: unknown) => {
      process.stderr.write(String(e));
      process.exitCode = 1;
    },
  );
}
