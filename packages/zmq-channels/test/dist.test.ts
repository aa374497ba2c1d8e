// The built package, as a user's process loads it: `pnpm build` runs before the tests. What
// only a whole process shows: how it exits.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Pump } from "@sluice/zmq-channels";

const dist = path.join(__dirname, "..", "dist", "index.js");

describe("the built package (dist/index.js)", () => {
  // zeromq.js 6.8.0 throws from its constructor after the native socket exists when an option
  // value is refused; that socket, never closed, made the process crash at exit (SIGSEGV).
  it("exits cleanly after socket() refused an option value", () => {
    const r = spawnSync(
      process.execPath,
      [
        "-e",
        `const { Pump } = require(${JSON.stringify(dist)});
         (async () => {
           const pump = new Pump();
           await pump.socket("push", { options: { sendHighWaterMark: -5 } }).then(
             () => console.log("accepted"),
             (e) => console.log("refused:", e.message),
           );
           await pump.close();
         })();`,
      ],
      { encoding: "utf8", timeout: 20_000 },
    );
    expect(r.stdout).toMatch(
      /^refused: socket\("push"\): option "sendHighWaterMark" refused the number -5/,
    );
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
  });

  // NODE_DEBUG=sluice (util.debuglog) tells the pump's lifecycle on stderr; without it, nothing.
  const lifecycle = `const { Pump } = require(${JSON.stringify(dist)});
    (async () => {
      const pump = new Pump();
      const pull = await pump.socket("pull", { bind: "inproc://debug" });
      const push = await pump.socket("push", { connect: "inproc://debug", options: { linger: 200 } });
      await push.send.put("hello");
      await pull.recv.take();
      await pump.close();
    })();`;

  // The first line names the engine that the child's `new Pump()` chose (SLUICE_ENGINE is
  // inherited), and the libzmq it runs.
  const ENGINE_LINE = {
    zeromq: /^pump: engine zeromq \(zeromq\.js, libzmq \d+\.\d+\.\d+\)$/,
    native:
      /^pump: engine native \(sluice's addon \/\S+\.node, libzmq \d+\.\d+\.\d+ from zeromq\.js\)$/,
  };

  it("logs the lifecycle with NODE_DEBUG=sluice", async () => {
    const chosen = new Pump(); // as the child's
    const engine = chosen.engine;
    await chosen.close();
    const r = spawnSync(process.execPath, ["-e", lifecycle], {
      encoding: "utf8",
      timeout: 20_000,
      env: { ...process.env, NODE_DEBUG: "sluice" },
    });
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    const lines = r.stderr.split("\n").map((l) => l.replace(/^SLUICE \d+: /, ""));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(ENGINE_LINE[engine]),
        "pull socket inproc://debug: open",
        "push socket inproc://debug: open",
        "pump: closing 2 socket(s), 0 being set up",
        "push socket inproc://debug: send closed; 0 message(s) still to hand over, for at most 200 ms (linger)",
        "push socket inproc://debug: closed (sent 1, received 0, errors 0)",
        "pull socket inproc://debug: closed (sent 0, received 1, errors 0)",
        "pump: closed (0 error(s) dropped)",
      ]),
    );
  });

  it("logs nothing without NODE_DEBUG", () => {
    const env = { ...process.env };
    delete env.NODE_DEBUG;
    const r = spawnSync(process.execPath, ["-e", lifecycle], {
      encoding: "utf8",
      timeout: 20_000,
      env,
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  });

  // A machine with no compiler: the package without build/ and prebuilds/ (its dist and
  // package.json copied out, its dependencies linked), as a user's install has no binary.
  // And with a binary there that does not load (another libc's, or damaged): "did not load",
  // with the file's own reason.
  it.each([
    ["without its addon", "is not built", ": absent"],
    ["with an addon that does not load", "did not load", ": file too short"],
  ])('%s, "auto" runs zeromq.js and says why; "native" is an Error', (_, what, reason) => {
    const pkg = fs.mkdtempSync(path.join(os.tmpdir(), "sluice-nonative-"));
    const binary = path.join(pkg, "build", "Release", "sluice.node");
    if (what === "did not load") {
      fs.mkdirSync(path.dirname(binary), { recursive: true });
      fs.writeFileSync(binary, "not an addon");
    }
    try {
      const here = path.join(__dirname, "..");
      fs.cpSync(path.join(here, "dist"), path.join(pkg, "dist"), { recursive: true });
      fs.copyFileSync(path.join(here, "package.json"), path.join(pkg, "package.json"));
      fs.symlinkSync(path.join(here, "node_modules"), path.join(pkg, "node_modules"), "dir");
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_DEBUG: "sluice" };
      delete env.SLUICE_ENGINE;
      const r = spawnSync(
        process.execPath,
        [
          "-e",
          `const { Pump } = require(${JSON.stringify(path.join(pkg, "dist", "index.js"))});
           const pump = new Pump();
           console.log(pump.engine);
           try { new Pump({ engine: "native" }); } catch (e) { console.log(e.message); }
           pump.close();`,
        ],
        { encoding: "utf8", timeout: 20_000, env },
      );
      expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
      const [engine, refusal] = r.stdout.split("\n");
      expect(engine).toBe("zeromq");
      expect(refusal).toMatch(`engine "native" is not available: the native engine ${what}`);
      expect(refusal).toContain(binary + reason);
      // names the command that builds it there (the package's `build` needs the repo's tsconfig)
      expect(refusal).toContain(`node ${path.join(pkg, "scripts", "build-native.js")}`);
      expect(r.stderr).toContain(`pump: auto chose zeromq: the native engine ${what}`);
      expect(r.stderr).toMatch(/pump: engine zeromq \(zeromq\.js, libzmq/);
    } finally {
      fs.rmSync(pkg, { recursive: true, force: true });
    }
  });
});
