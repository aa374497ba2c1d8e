// The built package, as a user's process loads it: `pnpm build` runs before the tests.
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";

const dist = path.join(__dirname, "..", "dist", "index.js");
const node = (args: string[]) =>
  spawnSync(process.execPath, args, { encoding: "utf8", timeout: 20_000 });

describe("the built package (dist/index.js)", () => {
  it("loads with require", () => {
    const out = execFileSync(
      process.execPath,
      [
        "-e",
        `const c = require(${JSON.stringify(dist)}); console.log(typeof c.chan, typeof c.select, String(c.DEFAULT))`,
      ],
      { encoding: "utf8" },
    );
    expect(out.trim()).toBe("function function Symbol(sluice.DEFAULT)");
  });

  it("exports plain values, so that V8 keeps the exports object in fast mode", () => {
    // A getter per export (what `export { x } from` compiles to) turns the object into a
    // dictionary, and every call through it, `(0, channels_1.select)(...)`, into a lookup and
    // a call (decision C20).
    const r = node([
      "--allow-natives-syntax",
      "-e",
      `const c = require(${JSON.stringify(dist)});
       const getters = Object.entries(Object.getOwnPropertyDescriptors(c))
         .filter(([, d]) => !("value" in d)).map(([name]) => name);
       console.log(JSON.stringify(getters), Object.keys(c).length, %HasFastProperties(c));`,
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("[] 32 true");
  });

  it("loads with import, with the same named exports", () => {
    const r = node([
      "--input-type=module",
      "-e",
      `import { chan, Channel, select, pipe } from ${JSON.stringify(dist)};
       const ch = chan(1); ch.offer(1);
       console.log(ch instanceof Channel, typeof select, typeof pipe, ch.poll());`,
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("true function function 1");
  });

  it("go re-raises a thrown error as an unhandled rejection after closing its channel", () => {
    const r = node([
      "-e",
      `const { go } = require(${JSON.stringify(dist)});
       const ch = go(() => { throw new Error("boom from go"); });
       ch.take().then((v) => console.log("closed with", v));`,
    ]);
    expect(r.stdout).toContain("closed with undefined");
    expect(r.stderr).toContain("boom from go");
    expect(r.status).not.toBe(0);
  });
});
