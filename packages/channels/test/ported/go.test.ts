/*
 * go (core.async go blocks), ported: results, channel ops inside go, errors.
 *
 * Ported from:
 *   clojure/core.async ioc_macros_test.clj, exceptions_test.clj
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { chan, go } from "@sluice/channels";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { identityChan } from "./helpers";

const dist = path.join(__dirname, "..", "..", "dist", "index.js");

jest.setTimeout(5000);

describe("core.async ioc_macros_test.clj", () => {
  it("core.async: async-test (values are returned correctly)", async () => {
    expect(await go(() => identityChan(10).take()).take()).toBe(10);
  });

  it("core.async: async-test (writes work)", async () => {
    const r = go(async () => {
      const c = chan<number>(1);
      await c.put((await identityChan(11).take()) as number);
      return c.take();
    });
    expect(await r.take()).toBe(11);
  });

  it("core.async: async-test (nil result of go)", async () => {
    const r = go(() => undefined);
    expect(await r.take()).toBeUndefined();
    expect(r.closed).toBe(true);
  });

  it("core.async: async-test (can get from a catch)", async () => {
    const c = identityChan(42);
    const r = go(async () => {
      try {
        throw new Error("assert false");
      } catch {
        return c.take();
      }
    });
    expect(await r.take()).toBe(42);
  });

  it("core.async: offer-poll (inside go)", async () => {
    const c = chan<number>(2);
    const r = go(() => [c.offer(5), c.offer(6), c.poll(), c.poll(), c.poll()]);
    expect(await r.take()).toEqual([true, true, 5, 6, undefined]);
  });

  it("core.async: enqueued-chan-ops (enqueued channel puts re-enter async properly)", async () => {
    const c = chan<string>();
    const resultChan = go(async () => {
      await c.put("foo");
      return 42;
    });
    expect([await c.take(), await resultChan.take()]).toEqual(["foo", 42]);
  });

  it("core.async: enqueued-chan-ops (enqueued channel takes re-enter async properly)", async () => {
    const c = chan<string>();
    const asyncChan = go(() => c.take());
    await c.put("foo");
    expect(await asyncChan.take()).toBe("foo");
  });

  it("core.async: enqueued-chan-ops (puts into channels with full buffers re-enter async properly)", async () => {
    const c = chan<string>(1);
    const asyncChan = go(async () => {
      await c.put("foo");
      await c.put("bar");
      await c.put("baz");
      await c.put("boz");
      return c.take();
    });
    const got = new Set([await c.take(), await c.take(), await c.take(), await asyncChan.take()]);
    expect(got).toEqual(new Set(["foo", "bar", "baz", "boz"]));
  });

  it("core.async: close-on-exception-tests (go blocks) and exceptions_test exception-in-go", () => {
    // An error in go closes its channel (takers see nil) and reaches the process as an
    // unhandled rejection (decision C6), as core.async's reaches the uncaught-exception handler.
    // Jest fails a test on an unhandled rejection, so this runs in a child process, on the
    // built package (the test command builds first), as dist.test.ts does.
    const script = `
      const { chan, go, select } = require(${JSON.stringify(dist)});
      const seen = [];
      process.on("unhandledRejection", (e) => seen.push(e));
      const identityChan = (x) => { const c = chan(1); c.offer(x); c.close(); return c; };
      const ex = new Error("This exception is expected");
      const a = go(() => { throw ex; });
      const b = go(async () => { await select([identityChan(42)]); throw new Error("second"); });
      Promise.all([a.take(), b.take()]).then((vs) => setImmediate(() =>
        console.log(JSON.stringify({ vs: vs.map(String), same: seen[0] === ex || seen[1] === ex, n: seen.length }))));
    `;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ vs: ["undefined", "undefined"], same: true, n: 2 });
  });
});
