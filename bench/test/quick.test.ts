// The bench must not rot: its quick mode (a smoke version in under a minute, decision B6) runs
// here, in the test command, in a child process exactly as `pnpm bench --quick` runs it, and
// every workload must report a result whose checksum matched.
// Nothing here asserts a timing (speed is claimed only by the bench's own tables).
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Row {
  workload: string;
  lib: string;
  value: number;
  ok: boolean;
  error?: string;
}
interface Payload {
  mode: string;
  groups: { title: string; sluice: string; rows: Row[] }[];
  failed: string[];
}

const root = join(__dirname, "..");
const main = join(root, "dist", "main.js");

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The test command builds first; a lone `npx jest bench` after an edit rebuilds here. */
function ensureBuilt(): void {
  if (existsSync(main) && statSync(main).mtimeMs >= newestMtime(join(root, "src"))) return;
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], { timeout: 60_000 });
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` in bench/, killed after `ms` (a bound on a hung run, not a timing). */
function runNode(args: string[], ms: number): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// quick mode takes ~40 s here
const runQuick = (out: string): Promise<Ran> =>
  runNode(["--expose-gc", main, "--quick", "--out", out], 150_000);

describe("bench --quick", () => {
  let out: string;
  let run: { code: number | null; stdout: string; stderr: string };
  let payload: Payload;

  beforeAll(async () => {
    ensureBuilt();
    out = mkdtempSync(join(tmpdir(), "sluice-bench-"));
    run = await runQuick(out);
    const file = join(out, "latest-quick.json");
    payload = existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as Payload)
      : { mode: "", groups: [], failed: ["no JSON written"] };
  }, 180_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("exits 0 and writes a JSON result in quick mode", () => {
    expect({ code: run.code, stderr: run.code === 0 ? "" : run.stderr }).toEqual({
      code: 0,
      stderr: "",
    });
    expect(payload.mode).toBe("quick");
    expect(payload.failed).toEqual([]);
  });

  it("writes the chart of the ratio columns next to the JSON", () => {
    const svg = readFileSync(join(out, "latest-quick.svg"), "utf8");
    expect(svg).toMatch(/^<svg /);
    for (const g of payload.groups) expect(svg).toContain(g.title.replace(/&/g, "&amp;"));
  });

  it("checks every row of every group: checksums matched and a finite positive figure", () => {
    const bad = payload.groups
      .flatMap((g) => g.rows)
      .filter((r) => !r.ok || !Number.isFinite(r.value) || r.value <= 0)
      .map((r) => `${r.workload} / ${r.lib}: ${r.error ?? r.value}`);
    expect(bad).toEqual([]);
  });

  it("measures sluice on every channel workload against the promise floor", () => {
    const rows = payload.groups.flatMap((g) => g.rows);
    const workloads = [...new Set(rows.map((r) => r.workload))];
    for (const w of workloads) {
      const libs = rows.filter((r) => r.workload === w).map((r) => r.lib);
      if (libs.includes("promise floor"))
        expect({ w, sluice: libs.includes("sluice") }).toEqual({ w, sluice: true });
    }
    for (const w of [
      "ping-pong",
      "spsc",
      "select over 2,",
      "select over 16,",
      "select over 128,",
      "fan-in",
      "per idle channel",
      "per pending take",
    ]) {
      const found = rows.filter((r) => r.workload.startsWith(w) && r.lib === "sluice");
      expect({ w, found: found.length }).toEqual({ w, found: 1 });
    }
  });

  it("measures the pump against plain zeromq.js on every ZeroMQ workload", () => {
    const rows = payload.groups.flatMap((g) => g.rows);
    const zmq = [
      "PUSH→PULL 16 B inproc",
      "PUSH→PULL 16 B ipc",
      "PUSH→PULL 16 B tcp",
      "PUSH→PULL 1024 B inproc",
      "PUSH→PULL 1024 B ipc",
      "PUSH→PULL 1024 B tcp",
      "PUSH→PULL 65536 B inproc",
      "PUSH→PULL 65536 B tcp",
      "ROUTER→DEALER 16 B tcp, one way",
      "DEALER⇄ROUTER 16 B tcp, full duplex",
      "select over 100 PULL sockets",
      "REQ→REP round trip, 16 B tcp: median",
      "REQ→REP round trip, 16 B tcp: p99",
      "DEALER→ROUTER round trip, 16 B tcp: median",
      "DEALER→ROUTER round trip, 16 B tcp: p99",
      "event-loop p99 delay, median over PUSH→PULL runs",
      "event-loop p99 delay, worst PUSH→PULL run",
      "peak RSS",
    ];
    for (const w of zmq) {
      for (const lib of ["sluice on zeromq.js", "plain zeromq.js"]) {
        const found = rows.filter((r) => r.workload.startsWith(w) && r.lib === lib && r.ok);
        expect({ w, lib, found: found.length }).toEqual({ w, lib, found: 1 });
      }
    }
    // the native engine, when built, runs every workload; libzmq C, when built, every PUSH→PULL
    for (const [lib, ws] of [
      ["sluice native", zmq],
      ["libzmq C", zmq.filter((w) => w.startsWith("PUSH→PULL"))],
    ] as const) {
      if (!rows.some((r) => r.lib === lib)) continue;
      for (const w of ws) {
        const found = rows.filter((r) => r.workload.startsWith(w) && r.lib === lib && r.ok);
        expect({ w, lib, found: found.length }).toEqual({ w, lib, found: 1 });
      }
    }
    // PUSH→PULL also measures the ceiling: zeromq.js's fast path with no channels
    for (const w of zmq.filter((w) => w.startsWith("PUSH→PULL"))) {
      const found = rows.filter(
        (r) => r.workload === w && r.lib === "zeromq.js fast path" && r.ok,
      ).length;
      expect({ w, found }).toEqual({ w, found: 1 });
    }
  });

  it("prints one table per group with a sluice / peer column", () => {
    expect(payload.groups.length).toBeGreaterThanOrEqual(2);
    for (const g of payload.groups) expect(run.stdout).toContain(`### ${g.title}`);
    expect(run.stdout).toContain("sluice / peer");
  });
});

describe("pairs and probe (the bench's tools)", () => {
  const pairs = (...args: string[]) => tool("pairs.js", ...args);

  /** runs one of the bench's tools (dist/NAME); its exit code and output (stdout, then stderr) */
  async function tool(
    name: string,
    ...args: string[]
  ): Promise<{ code: number | null; out: string }> {
    const ran = await runNode([join(root, "dist", name), ...args], 50_000);
    return { code: ran.code, out: ran.stdout + ran.stderr };
  }

  beforeAll(() => ensureBuilt(), 60_000);

  it("prints a median of paired ratios for a channel workload and a round trip", async () => {
    const ch = await pairs("channels", "ping", "2");
    expect(ch.code).toBe(0);
    expect(ch.out).toMatch(/^ping: sluice \/ promise floor, median of 2 paired ratios \d+\.\d\d×/);
    const rt = await pairs("latency", "dealer", "1");
    expect(rt.code).toBe(0);
    expect(rt.out).toMatch(/^dealer round trip, .* median of 1 paired ratios \d+\.\d\d×/);
    const tp = await pairs("zmq", "inproc16", "1");
    expect(tp.code).toBe(0);
    expect(tp.out).toMatch(
      /^inproc16: sluice on zeromq.js \/ plain zeromq.js, median of 1 paired ratios \d+\.\d\d×/,
    );
    // `engines`: the pump's native engine over its zeromq.js engine (when it was built)
    const built = existsSync(join(root, "..", "packages/zmq-channels/build/Release/sluice.node"));
    if (!built) return;
    const engines = await pairs("zmq", "inproc16", "1", "engines");
    expect(engines.code).toBe(0);
    expect(engines.out).toMatch(
      /^inproc16: sluice native \/ sluice on zeromq.js, median of 1 paired ratios \d+\.\d\d×/,
    );
  }, 90_000);

  it("pairs this build's sluice with another checkout's (here this checkout twice)", async () => {
    const checkout = join(root, "..");
    const ab = await pairs("channels", "select2", "2", checkout);
    expect(ab.code).toBe(0);
    expect(ab.out).toMatch(
      /^select2: sluice \/ sluice of .+, median of 2 paired ratios \d+\.\d\d×/,
    );
    const missing = await pairs("channels", "ping", "1", join(root, "no-such-checkout"));
    expect(missing.code).toBe(1);
    expect(missing.out).toContain("no-such-checkout");
  }, 60_000);

  it("runs one library's workload untimed, for counting instructions", async () => {
    for (const [lib, work] of [
      ["sluice", "ping"],
      ["floor", "select2"],
    ]) {
      const ran = await tool("probe.js", "workload", lib!, work!, "1");
      expect(ran.code).toBe(0);
      expect(ran.out).toBe("");
    }
    const bad = await tool("probe.js", "workload", "sluice", "no-such-workload", "1");
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("usage");
  }, 60_000);

  it("runs the idle-select probe and checks its sum", async () => {
    const probe = await tool("probe.js", "idle-select", "4");
    expect(probe.code).toBe(0);
    expect(probe.out).toMatch(/^idle select over 4 channels, then one arrival: median \d+ ns/);
  }, 60_000);

  it("runs the receivers probe: a line per receiver, each sum checked", async () => {
    const probe = await tool("probe.js", "receivers", "1", "3000");
    expect(probe.code).toBe(0);
    for (const name of [
      "zeromq.js fast path",
      "fast path + one channel hop",
      "sluice on zeromq.js",
      "plain zeromq.js",
    ]) {
      expect(probe.out).toMatch(
        new RegExp(`^  ${name.replace(/[+.]/g, "\\$&")} +\\d+k msg/s, \\d+\\.\\d\\d µs CPU`, "m"),
      );
    }
  }, 60_000);

  it("runs the threads probe: CPU per message by thread, C and native ends paired", async () => {
    const built = existsSync(join(root, "..", "packages/zmq-channels/build/Release/sluice.node"));
    const probe = await tool("probe.js", "threads", "1", "20000", "16");
    // (C is built on the system's libzmq, or on zeromq.js's on Linux: decisions B18)
    if (!built || process.platform !== "linux") {
      // it needs both ends: it says which one is missing
      expect(probe.code).toBe(1);
      expect(probe.out).toMatch(/threads (needs|reads)/);
      return;
    }
    expect(probe.code).toBe(0);
    // a row per pairing: msg/s, then CPU ns for PUSH main, PUSH I/O, PULL main, PULL I/O,
    // other, all; "all" is at least the four named threads (each sum was checked by the probe)
    for (const name of [
      "C → C",
      "C → sluice",
      "sluice → C",
      "sluice → sluice",
      "sluice → sluice, bulk loops",
    ]) {
      const row = new RegExp(
        `^  ${name.replace(/[.]/g, "\\$&")} +(\\d+\\.\\d\\d)M((?: +\\d+){6})$`,
        "m",
      ).exec(probe.out);
      expect({ name, found: row !== null }).toEqual({ name, found: true });
      const [pushMain, pushIO, pullMain, pullIO, other, all] = row![2]!
        .trim()
        .split(/ +/)
        .map(Number);
      // (each column is a median rounded on its own: "all" may differ by a unit per column)
      expect(
        Math.abs(all! - (pushMain! + pushIO! + pullMain! + pullIO! + other!)),
      ).toBeLessThanOrEqual(5);
    }
  }, 60_000);

  it("runs the rtt probe: REQ→REP round trips, C and native ends paired", async () => {
    const built = existsSync(join(root, "..", "packages/zmq-channels/build/Release/sluice.node"));
    const probe = await tool("probe.js", "rtt", "1", "200");
    if (!built || (!existsSync("/usr/include/zmq.h") && process.platform !== "linux")) {
      expect(probe.code).toBe(1); // and it says which end is missing
      expect(probe.out).toMatch(/rtt needs/);
      return;
    }
    expect(probe.code).toBe(0);
    for (const name of ["C REQ → C REP", "sluice REQ → C REP", "C REQ → sluice REP"]) {
      expect(probe.out).toMatch(new RegExp(`^  ${name} +p50 +\\d+ µs +p99 +\\d+ µs$`, "m"));
    }
    expect(probe.out).toMatch(/^ {2}sluice REQ → sluice REP +p50 +\d+ µs +p99 +\d+ µs$/m);
  }, 60_000);

  it("runs libzmq's C on the system's libzmq and on zeromq.js's, paired", async () => {
    const probe = await tool("probe.js", "libzmq-builds", "1", "20000", "16");
    if (!existsSync("/usr/include/zmq.h") || process.platform !== "linux") {
      expect(probe.code).toBe(1); // and it says why
      expect(probe.out).toMatch(/libzmq-builds: (needs the system's libzmq headers|Linux only)/);
      return;
    }
    expect(probe.code).toBe(0);
    expect(probe.out).toMatch(/^ {2}the system's libzmq +\d+\.\d\dM msg\/s$/m);
    expect(probe.out).toMatch(/^ {2}zeromq\.js's \(the native engine's\) +\d+\.\d\dM msg\/s$/m);
    expect(probe.out).toMatch(/median of paired ratios \d+\.\d\d×$/m);
  }, 60_000);

  it("compares two builds of the pump, round by round (here the same build twice)", async () => {
    const checkout = join(root, "..");
    const ab = await tool("builds.js", checkout, checkout, "1", "inproc");
    expect(ab.code).toBe(0);
    expect(ab.out).toMatch(/^inproc PUSH→PULL 16 B: B \/ A, median of 1 paired ratios \d+\.\d{3}/);
    const bad = await tool("builds.js", checkout);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("usage: node bench/dist/builds.js");
  }, 60_000);

  it("refuses an unknown workload with its usage", async () => {
    const bad = await pairs("channels", "nope");
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("usage: node bench/dist/pairs.js");
  });
});
