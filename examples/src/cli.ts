// What every example shares: unique endpoints and the few lines that make a module runnable
// with `node dist/<name>.js`. Kept apart so each example reads as the pattern and nothing else.
import { randomBytes } from "node:crypto";
import { getEventListeners } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";

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
 * Reads `--name value` flags with Node's `util.parseArgs` into numbers/strings (`--flag` alone
 * reads as `true`; a flag in `text` keeps its value as written; `--name=value` works too), or
 * `"help"` when `--help` or `-h` is among them. A flag not in `known`, or an argument that is
 * not a flag, is an error naming the flags there are, so a typo never runs the defaults quietly.
 */
export function readFlags(
  argv: readonly string[],
  known: readonly string[],
  text: readonly string[] = [],
): Record<string, string | number | boolean> | "help" {
  // Not strict: a value may start with a dash (`--count -1` reaches countFlag, which names the
  // flag), and unknown flags get the message below rather than parseArgs' own.
  const { tokens } = parseArgs({
    args: [...argv],
    options: {
      ...Object.fromEntries(known.map((k) => [k, { type: "string" as const }])),
      help: { type: "boolean", short: "h" },
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return "help";
  const takes =
    known.length === 0 ? "takes no flags" : `takes ${known.map((k) => `--${k}`).join(", ")}`;
  const flags: Record<string, string | number | boolean> = {};
  for (const token of tokens) {
    if (token.kind !== "option") {
      const arg = argv[token.index];
      throw new TypeError(`unexpected argument "${arg}": flags look like --name value`);
    }
    if (!known.includes(token.name)) {
      throw new TypeError(`unknown flag "${token.rawName}": this example ${takes}`);
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && value.startsWith("--"))) {
      // `--flag` alone: parseArgs gave it the next flag as its value; read on from that one.
      flags[token.name] = true;
      if (value !== undefined) {
        const rest = readFlags(argv.slice(token.index + 1), known, text);
        return rest === "help" ? rest : { ...flags, ...rest };
      }
    } else {
      flags[token.name] =
        text.includes(token.name) || Number.isNaN(Number(value)) ? value : Number(value);
    }
  }
  return flags;
}

/**
 * A flag with a value the example cannot use. When the example runs as a program,
 * {@link runAsProgram} prints the message alone and exits with code 2, as for an unknown flag.
 */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A flag's line in `--help`: what its value looks like (`""`: none), and what it does. */
export type FlagHelp = readonly [value: string, text: string];

/** How an example runs as a program: what `--help` says, and how the flags are read. */
export interface Program<O> {
  /** One line: what the example shows. */
  about: string;
  /** The flags `main` takes on the command line, in the order `--help` lists them. */
  flags: { readonly [K in keyof NonNullable<O> & string]?: FlagHelp };
  /** The example's role table, as {@link pickRole} reads it, for `--help` to list. */
  roles?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Flags whose value stays text even when it reads as a number (a zip code like `01234`). */
  text?: readonly string[] | undefined;
  /**
   * Pass `main` an `opts.signal` that the first SIGINT or SIGTERM aborts: `main` then closes
   * its pump and resolves, and the program exits 0. A second signal kills it as usual, and so
   * does the first while nothing listens on `opts.signal`.
   */
  stopOnSignal?: boolean | undefined;
}

/** What `--help` prints for an example: usage, what it shows, its flags, its roles. */
export function helpText<O>(file: string, program: Program<O>): string {
  const flags: Array<[string, string]> = Object.entries<FlagHelp | undefined>(program.flags).map(
    ([name, help]) => [`--${name}${help![0] ? ` <${help![0]}>` : ""}`, help![1]],
  );
  flags.push(["--help, -h", "print this help and exit"]);
  const column = (rows: Array<[string, string]>) => {
    const width = Math.max(...rows.map(([left]) => left.length)) + 2;
    return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join("\n");
  };
  const lines = [
    `usage: node ${relative(process.cwd(), file) || file} [--flag value ...]`,
    "",
    program.about,
    "",
    "flags:",
    column(flags),
  ];
  if (program.roles !== undefined) {
    const roles = Object.entries(program.roles).map(([role, reads]): [string, string] => [
      role === "" ? "(no role flag)" : `--${role} <endpoint>`,
      reads.length === 0 ? "reads no other flag" : `reads ${reads.map((f) => `--${f}`).join(", ")}`,
    ]);
    lines.push("", "roles (give at most one role flag; each reads only the flags listed):");
    lines.push(column(roles));
  }
  return lines.join("\n");
}

/**
 * Runs an example's `main` when its file is the program (`node dist/hello.js --count 5`),
 * prints what it returned, and sets a failing exit code on error instead of throwing late:
 * 2 for a bad flag (unknown, or a {@link UsageError} from `main`), 1 for anything else.
 * `--help` prints {@link helpText} and exits 0 without running `main`.
 */
export function runAsProgram<O, R>(
  mod: NodeModule,
  main: (opts: O) => Promise<R>,
  program: Program<NoInfer<O>>,
  report: (result: R) => void = (result) => console.log(result),
): void {
  if (require.main !== mod) return;
  let opts: O;
  try {
    const flags = readFlags(process.argv.slice(2), Object.keys(program.flags), program.text);
    if (flags === "help") {
      console.log(helpText(mod.filename, program));
      return;
    }
    opts = flags as O;
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 2;
    return;
  }
  let release = () => {};
  if (program.stopOnSignal) {
    const controller = new AbortController();
    const stop = (signal: NodeJS.Signals) => {
      release(); // a second signal finds no handler: it kills the process, as by default
      // A run that does not watch the signal (no role: a bounded run) stops the default way.
      if (getEventListeners(controller.signal, "abort").length === 0) {
        process.kill(process.pid, signal);
      }
      controller.abort(new Error(`stopped by ${signal}`));
    };
    process.once("SIGINT", stop).once("SIGTERM", stop);
    release = () => void process.off("SIGINT", stop).off("SIGTERM", stop);
    opts = { ...opts, signal: controller.signal };
  }
  main(opts)
    .then(report, (err: unknown) => {
      if (err instanceof UsageError) {
        console.error(err.message);
        process.exitCode = 2;
      } else {
        console.error(err);
        process.exitCode = 1;
      }
    })
    .finally(release);
}

/** What an example's role gets from its `main`: how long to run, and where to print. */
export interface Role {
  /** How many messages before the role ends; `undefined`: until `signal` aborts. */
  count: number | undefined;
  signal: AbortSignal | undefined;
  /** Prints a line. */
  say(line: string): void;
  /** Prints text as it is (progress marks, as the guide's programs print them). */
  write(text: string): void;
}

/** A {@link Role} that prints on `out` (default process.stdout). */
export function roleFor(
  count: number | undefined,
  opts: { out?: NodeJS.WritableStream | undefined; signal?: AbortSignal | undefined },
): Role {
  const out = opts.out ?? process.stdout;
  return {
    count,
    signal: opts.signal,
    say: (line) => void out.write(`${line}\n`),
    write: (text) => void out.write(text),
  };
}

/**
 * Calls `stop` once when `signal` aborts (at once if it already has); returns a function that
 * forgets `signal`, to call when the work is over. No signal: nothing to stop on.
 */
export function onAbort(signal: AbortSignal | undefined, stop: () => void): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    stop();
    return () => {};
  }
  signal.addEventListener("abort", stop, { once: true });
  return () => signal.removeEventListener("abort", stop);
}

// The transports libzmq knows, for a first check of an endpoint flag before any socket exists.
const ENDPOINT = /^(tcp|ipc|inproc|ws|wss|pgm|epgm|norm|tipc|vmci|udp):\/\/\S+$/;

/**
 * The value of an endpoint flag (`--serve tcp://127.0.0.1:5555`), or a {@link UsageError}
 * naming the flag. `bind` says whether a wildcard (`tcp://127.0.0.1:*`) makes sense here.
 */
export function endpointFlag(flag: string, value: unknown, bind: boolean): string {
  const example = bind ? "tcp://127.0.0.1:5555 or tcp://127.0.0.1:*" : "tcp://127.0.0.1:5555";
  if (typeof value !== "string" || !ENDPOINT.test(value)) {
    const got = value === true ? "nothing" : JSON.stringify(value);
    throw new UsageError(`--${flag} needs an endpoint such as ${example}, got ${got}`);
  }
  if (!bind && value.includes("*")) {
    throw new UsageError(
      `--${flag} needs the address to connect to, got ${value}: * is for binding`,
    );
  }
  return value;
}

/** The value of a count flag: `undefined` when not given (no limit), else a whole number ≥ 0. */
export function countFlag(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    const got = value === true ? "nothing" : JSON.stringify(value);
    throw new UsageError(`--${flag} must be a whole number of 0 or more, got ${got}`);
  }
  return value;
}

/**
 * Which role the flags ask for, from a table: role flag → the other flags that role reads
 * (`""`: the run with no role flag). Two role flags, or a flag the chosen role does not read,
 * is a {@link UsageError} naming them, so a misplaced flag never goes unnoticed.
 */
export function pickRole<K extends string>(
  example: string,
  opts: object,
  roles: Record<K | "", readonly string[]>,
): K | undefined {
  const given = (flag: string) => (opts as Record<string, unknown>)[flag] !== undefined;
  const chosen = (Object.keys(roles) as Array<K | "">).filter((r) => r !== "" && given(r));
  if (chosen.length > 1) {
    throw new UsageError(
      `${example}: ${chosen.map((r) => `--${r}`).join(" and ")} are different roles: give one`,
    );
  }
  const role = chosen[0] ?? "";
  const allowed: readonly string[] = roles[role];
  for (const flag of new Set(Object.values<readonly string[]>(roles).flat())) {
    if (given(flag) && !allowed.includes(flag)) {
      const where = role === "" ? "without a role flag" : `with --${role}`;
      const owners = (Object.keys(roles) as Array<K | "">)
        .filter((r) => roles[r].includes(flag))
        .map((r) => (r === "" ? "no role flag" : `--${r}`));
      throw new UsageError(
        `${example}: --${flag} is not used ${where} (it goes with ${owners.join(" or ")})`,
      );
    }
  }
  return role === "" ? undefined : role;
}
