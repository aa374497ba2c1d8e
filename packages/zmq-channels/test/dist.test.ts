// The built package, as a user's process loads it: `pnpm build` runs before the tests. What
// only a whole process shows: how it exits.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

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
});
