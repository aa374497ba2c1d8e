import { PassThrough } from "node:stream";
import { main } from "../src/demo";
import { example, exitOf } from "./programs";

function collect() {
  const out = new PassThrough();
  let text = "";
  out.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

describe("demo", () => {
  it("prints plain progress lines, then a summary where every request was answered", async () => {
    const sink = collect();
    const summary = await main({
      seconds: 0.4,
      clients: 3,
      window: 8,
      workers: 2,
      out: sink.out,
      live: false,
      intervalMs: 100,
    });
    expect(summary.unmatched).toBe(0);
    expect(["native", "zeromq"]).toContain(summary.engine);
    for (const t of summary.transports) {
      expect(t.requests).toBeGreaterThan(0);
      expect(t.replies).toBe(t.requests);
    }
    const text = sink.text();
    expect(text).not.toContain("\r");
    expect(text).toMatch(/msg\/s .* in flight {2}p50 .* p99 /);
    // pump.stats() on each progress line: 1 router, 1 backend, 2 workers, 3 clients.
    expect(text).toMatch(/ {2}pump: 7 sockets, queued \d+ out\/\d+ in, \d+ blocked, 0 errors$/m);
    expect(text).toMatch(/^transport +requests +replies +p50 +p99 +max$/m);
    expect(text).toContain(`one Pump (engine: ${summary.engine})`);
    for (const t of ["inproc", "ipc", "tcp"]) expect(text).toMatch(new RegExp(`^${t} `, "m"));
  });

  it("rewrites one line in place when live", async () => {
    const sink = collect();
    await main({
      seconds: 0.3,
      clients: 3,
      window: 4,
      workers: 1,
      out: sink.out,
      live: true,
      intervalMs: 50,
    });
    const [progress] = sink.text().split("\n");
    expect(progress!.split("\r").length).toBeGreaterThan(2); // several updates on the same line
    expect(progress).toContain("\x1b[K");
  });

  it("runs as a program with --seconds and exits 0 (compiled examples/dist)", async () => {
    const { code, stdout, stderr } = await exitOf(example("demo", ["--seconds", "0.5"]));
    expect({ code, output: stdout + stderr }).toEqual({
      code: 0,
      output: expect.stringMatching(/0 unmatched replies/),
    });
  });

  it("rejects a run length that is not a positive number", async () => {
    await expect(main({ seconds: 0, out: collect().out })).rejects.toThrow(
      /--seconds must be a positive number, got 0/,
    );
  });
});
