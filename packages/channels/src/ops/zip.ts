import { Channel } from "../channel";
import { describe } from "../errors";
import { type BufferSpec, checkChannel, outputChannel, spawn } from "./check";

/** The values of one round of {@link zip}: a tuple of the inputs' value types. */
export type Zipped<Chs extends ReadonlyArray<Channel<any>>> = {
  -readonly [K in keyof Chs]: Chs[K] extends Channel<infer T> ? T : never;
};

/**
 * [core.async (map f chs) without f] Returns a channel of arrays: each round takes one value
 * from every channel of `chs` (all at once, so none waits for another), and puts them, in the
 * order of `chs`. Closes as soon as any input closes; the values of that round already taken
 * from the others are dropped, and their takes still waiting are withdrawn (so nothing more is
 * consumed). `zip([])` is closed at once. Unbuffered unless `buffer`.
 *
 * Never closes the inputs. If the output is closed by its consumer, zip stops taking.
 * @example
 * for await (const [name, score] of zip([names, scores])) show(name, score);
 */
export function zip<const Chs extends ReadonlyArray<Channel<any>>>(
  chs: Chs,
  buffer?: BufferSpec<Zipped<Chs>>,
): Channel<Zipped<Chs>> {
  if (!Array.isArray(chs)) {
    throw new TypeError(`zip: chs must be an array of channels, got ${describe(chs)}`);
  }
  chs.forEach((ch, i) => checkChannel("zip", `chs[${i}]`, ch));
  const inputs = [...chs];
  const out = outputChannel<Zipped<Chs>>("zip", "buffer", buffer);
  if (inputs.length === 0) {
    out.close();
    return out;
  }
  spawn(async () => {
    try {
      for (;;) {
        const round = new AbortController();
        const ended = Symbol("ended");
        const takes = inputs.map((ch) =>
          ch.take({ signal: round.signal }).then(
            (value: unknown) => {
              if (value === undefined) round.abort(ended);
              return value;
            },
            () => undefined, // withdrawn: another input closed in this round
          ),
        );
        const values = await Promise.all(takes);
        if (round.signal.aborted || !(await out.put(values as Zipped<Chs>))) return;
      }
    } finally {
      out.close();
    }
  });
  return out;
}
