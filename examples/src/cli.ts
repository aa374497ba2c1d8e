// What every example shares: unique endpoints and the few lines that make a module runnable
// with `node dist/<name>.js`. Kept apart so each example reads as the pattern and nothing else.
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh `inproc://` endpoint: unique in this process, so examples and tests never collide. */
export function inproc(name: string): string {
  return `inproc://${name}-${randomBytes(4).toString("hex")}`;
}

/**
 * A fresh `ipc://` endpoint under the OS temp directory. libzmq removes the file when the
 * bound socket closes.
 */
export function ipc(name: string): string {
  return `ipc://${join(tmpdir(), `sluice-${name}-${process.pid}-${randomBytes(4).toString("hex")}`)}`;
}

/** Reads `--name value` flags into numbers/strings; `--flag` alone reads as `true`. */
export function parseFlags(argv: string[]): Record<string, string | number | boolean> {
  const flags: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--"))
      throw new TypeError(`unexpected argument "${arg}": flags look like --name value`);
    const name = arg.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) {
      flags[name] = true;
    } else {
      flags[name] = Number.isNaN(Number(next)) ? next : Number(next);
      i++;
    }
  }
  return flags;
}

/**
 * Runs an example's `main` when its file is the program (`node dist/hello.js --count 5`),
 * prints what it returned, and sets a failing exit code on error instead of throwing late.
 */
export function runAsProgram<O, R>(
  mod: NodeModule,
  main: (opts: O) => Promise<R>,
  report: (result: R) => void = (result) => console.log(result),
): void {
  if (require.main !== mod) return;
  main(parseFlags(process.argv.slice(2)) as O).then(report, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
