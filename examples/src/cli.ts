// What every example shares: unique endpoints and the few lines that make a module runnable
// with `node dist/<name>.js`. Kept apart so each example reads as the pattern and nothing else.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh `inproc://` endpoint: unique in this process, so examples and tests never collide. */
export function inproc(name: string): string {
  return `inproc://${name}-${randomBytes(4).toString("hex")}`;
}

let ipcDir: string | undefined;

/**
 * A fresh `ipc://` endpoint in a directory of this process's own under the OS temp directory.
 * libzmq (4.3) leaves an ipc socket's file behind when the socket closes, even after unbind,
 * so the directory is removed when the process exits (and by the examples' tests after each
 * test file: see {@link removeIpcFiles}).
 */
export function ipc(name: string): string {
  if (ipcDir === undefined) {
    ipcDir = mkdtempSync(join(tmpdir(), "sluice-examples-"));
    process.once("exit", removeIpcFiles);
  }
  return `ipc://${join(ipcDir, `${name}-${randomBytes(4).toString("hex")}`)}`;
}

/** Removes the files of every endpoint {@link ipc} made so far (their sockets must be closed). */
export function removeIpcFiles(): void {
  if (ipcDir !== undefined) rmSync(ipcDir, { recursive: true, force: true });
  ipcDir = undefined;
}

/**
 * Reads `--name value` flags into numbers/strings (`--flag` alone reads as `true`). A flag not
 * in `known` is an error naming the flags there are, so a typo never runs the defaults quietly.
 */
export function parseFlags(
  argv: readonly string[],
  known: readonly string[],
): Record<string, string | number | boolean> {
  const flags: Record<string, string | number | boolean> = {};
  const takes =
    known.length === 0 ? "takes no flags" : `takes ${known.map((k) => `--${k}`).join(", ")}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--"))
      throw new TypeError(`unexpected argument "${arg}": flags look like --name value`);
    const name = arg.slice(2);
    if (!known.includes(name)) throw new TypeError(`unknown flag "${arg}": this example ${takes}`);
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
 * `flags` names the options `main` takes on the command line.
 */
export function runAsProgram<O, R>(
  mod: NodeModule,
  main: (opts: O) => Promise<R>,
  flags: readonly NoInfer<keyof NonNullable<O> & string>[],
  report: (result: R) => void = (result) => console.log(result),
): void {
  if (require.main !== mod) return;
  let opts: O;
  try {
    opts = parseFlags(process.argv.slice(2), flags) as O;
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
    return;
  }
  main(opts).then(report, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
