// basics: channels on their own, before any socket. A producer and a consumer meet on a
// channel; select waits on several operations at once; timeout bounds a wait; the composition
// operators build pipelines out of channels.
import { chan, from, go, into, map, pipeline, select, sliding, timeout } from "@sluice/channels";
import { runAsProgram, type Program } from "./cli";

export interface BasicsResult {
  taken: number[];
  firstReady: string;
  timedOut: boolean;
  latest: number[];
  squares: number[];
  doubled: number[];
  answer: number | undefined;
}

export async function main(): Promise<BasicsResult> {
  // #region first-channel
  const numbers = chan<number>(); // unbuffered: each put waits for a take
  const producing = (async () => {
    for (let i = 1; i <= 3; i++) await numbers.put(i);
    numbers.close(); // takers drain what is left, then see undefined
  })();

  const taken: number[] = [];
  for await (const n of numbers) taken.push(n); // ends when the channel is closed and drained
  await producing;
  // #endregion first-channel

  // #region select
  const fast = chan<string>(1);
  const slow = chan<string>(1);
  await fast.put("fast");
  // Whichever operation can complete first wins; the others do nothing. `index` says which,
  // and checking it narrows `value` (a take's string | undefined: undefined once closed).
  const first = await select([slow, fast]);
  const firstReady = first.index === 1 ? (first.value ?? "closed") : "slow";

  // A timeout is a channel that closes after some milliseconds: put it in the same select.
  const waited = await select([slow, timeout(10)]);
  const timedOut = waited.channel !== slow;
  // #endregion select

  // #region buffers
  // A sliding buffer keeps the newest values: puts never wait, the oldest fall off.
  const readings = chan<number>(sliding(2));
  for (const r of [1, 2, 3, 4]) await readings.put(r);
  readings.close();
  const latest = await into(readings); // [3, 4]
  // #endregion buffers

  // #region compose
  // Square 1..5 with at most 2 in flight; the output keeps the input order.
  const squaresOut = chan<number>();
  const squaring = pipeline(2, squaresOut, async (n: number) => n * n, from([1, 2, 3, 4, 5]));
  // Take first, then await: pipeline waits for room on its output, so awaiting it before
  // anyone takes would wait forever on a full (here unbuffered) channel.
  const squares = await into(squaresOut);
  await squaring;
  const doubled = await into(map(from([1, 2, 3]), (n) => n * 2));

  // go runs a function and delivers its result on a channel, like core.async's go block.
  const answer = await go(async () => 6 * 7).take();
  // #endregion compose

  return { taken, firstReady, timedOut, latest, squares, doubled, answer };
}

export const program: Program<unknown> = {
  about: "basics: channels on their own: put and take, select, timeout, buffers, pipeline",
  flags: {},
};

runAsProgram(module, main, program);
