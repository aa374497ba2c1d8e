// Runs a bench module as a child node process that prints one JSON value, bounded in time:
// memory and peak-RSS figures need a fresh process each.
import { spawn } from "node:child_process";

/** Spawns `node [...nodeArgs] script ...args`, killed after `timeoutMs`; resolves its JSON. */
export function runJsonChild<T>(
  what: string,
  nodeArgs: string[],
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<T> {
  return runJson<T>(what, process.execPath, [...nodeArgs, script, ...args], timeoutMs);
}

/** Spawns `command ...args`, killed after `timeoutMs`; resolves the JSON it printed. */
export function runJson<T>(
  what: string,
  command: string,
  args: string[],
  timeoutMs: number,
  env?: NodeJS.ProcessEnv,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"],
      ...(env === undefined ? {} : { env }),
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as T);
      else reject(new Error(`${what} failed (${code ?? signal}): ${err.trim()}`));
    });
  });
}
