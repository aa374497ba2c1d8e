// That an error from user code inside an operator's loop reaches the process. Jest turns an
// unhandled rejection into a test failure, so this runs the sources in a child node process
// (transpiled on the fly by typescript, so no build is needed).
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const src = path.join(__dirname, "..", "..", "src", "index.ts");

const program = `
  const fs = require("node:fs");
  const ts = require("typescript");
  require.extensions[".ts"] = (module, file) => module._compile(
    ts.transpileModule(fs.readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText, file);
  const { chan, map } = require(${JSON.stringify(src)});
  const input = chan(1);
  const out = map(input, () => { throw new Error("boom from map"); });
  input.put(1);
  out.take().then((v) => console.log("closed with", v));
`;

describe("raise", () => {
  it("makes an error thrown inside an operator an unhandled rejection, after closing the output", () => {
    const r = spawnSync(process.execPath, ["-e", program], {
      encoding: "utf8",
      timeout: 20_000,
      cwd: __dirname,
    });
    expect(r.stdout).toContain("closed with undefined");
    expect(r.stderr).toContain("boom from map");
    expect(r.status).not.toBe(0);
  });
});
