// Big frames on the native engine cross without a copy (native/sluice.cc, LEND_AT; decisions
// P56): a received one is a Buffer of its own over libzmq's message, a sent one is lent to
// libzmq until it has gone. These tests hold the engine to what that must not change: the
// bytes, the order, multipart messages whole, every lent frame given back (no leak), and a
// process or worker that ends with frames still out (no crash, no hang).
import { Pump } from "@sluice/zmq-channels";
import { loadNative } from "../src/engines/native";
import { address, endWorkers, runWithPump, takeN, TRANSPORTS } from "./helpers";

const built = !("error" in loadNative());
const describeNative = built ? describe : describe.skip;

/** Bigger than the engine's LEND_AT (8 KiB): lent both ways. */
const BIG = 40 * 1024;

let pumps: Pump[] = [];
function pump(): Pump {
  const p = new Pump({ engine: "native" });
  pumps.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pumps.map((p) => p.close()));
  pumps = [];
});

function filled(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4096) b[i] = (seed + i / 4096) & 0xff;
  b.writeUInt32LE(seed, 0);
  b.writeUInt32LE(seed, size - 4);
  return b;
}

describeNative("big frames on the native engine (lent, P56)", () => {
  describe.each(TRANSPORTS)("over %s", (transport) => {
    it("arrive intact and in order, mixed with small frames in multipart messages", async () => {
      const p = pump();
      const pull = await p.socket("pull", { bind: address(transport) });
      const push = await p.socket("push", { connect: pull.endpoints });
      const sent: Buffer[][] = [];
      for (let i = 0; i < 60; i++) {
        const m =
          i % 3 === 0
            ? [Buffer.from(`head${i}`), filled(BIG + i, i), Buffer.alloc(0), filled(1 << 20, i + 1)]
            : i % 3 === 1
              ? [filled(BIG * 2, i)]
              : [Buffer.from(`small${i}`)];
        sent.push(m);
        await push.send.put(m);
      }
      const got = await takeN(pull.recv, 60, 20_000);
      expect(got.map((m) => m.map((f) => f.length))).toEqual(
        sent.map((m) => m.map((f) => f.length)),
      );
      got.forEach((m, i) => m.forEach((f, j) => expect(f.equals(sent[i]![j]!)).toBe(true)));
      for (const f of got.flat()) expect(Buffer.isBuffer(f)).toBe(true);
    });

    it("send one Buffer many times: each copy arrives whole", async () => {
      const p = pump();
      const pull = await p.socket("pull", { bind: address(transport) });
      const push = await p.socket("push", { connect: pull.endpoints });
      const body = filled(BIG * 3, 7);
      const producing = (async () => {
        for (let i = 0; i < 300; i++) await push.send.put(body);
      })();
      const got = await takeN(pull.recv, 300, 20_000);
      await producing;
      expect(got.every(([f]) => f!.equals(body))).toBe(true);
    });
  });

  // The documented caveat (docs/zmq.md "Buffers"): a lent Buffer is read where it is, so over
  // inproc the receiver's frame is the sender's memory. A copy anywhere would break this.
  it("over inproc a big frame arrives as the sender's own bytes, with no copy", async () => {
    const p = pump();
    const pull = await p.socket("pull", { bind: address("inproc") });
    const push = await p.socket("push", { connect: pull.endpoints });
    const body = filled(BIG, 1);
    await push.send.put(body);
    const [[frame]] = (await takeN(pull.recv, 1)) as [Buffer[]];
    expect(frame!.equals(body)).toBe(true);
    body[100] = body[100]! ^ 0xff;
    expect(frame![100]).toBe(body[100]);
    const small = Buffer.from("small");
    await push.send.put(small);
    const [[copy]] = (await takeN(pull.recv, 1)) as [Buffer[]];
    small[0] = 0;
    expect(copy!.toString()).toBe("small"); // small frames are copied both ways
  });

  // 400 MiB of fresh 1 MiB Buffers sent and received: if a lent frame were never given back
  // (sent side) or its message never closed (received side), they would all stay alive.
  it("gives every lent frame back: sent and received Buffers are collected", () => {
    const r = runWithPump(`
      const v8 = require("node:v8"), vm = require("node:vm");
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc");
      const pump = new Pump({ engine: "native" });
      const pull = await pump.socket("pull", { bind: "inproc://lent-gc" });
      const push = await pump.socket("push", { connect: "inproc://lent-gc" });
      const held = () => { const m = process.memoryUsage(); return (m.arrayBuffers + m.external) / 2 ** 20; };
      const before = held();
      for (let i = 0; i < 400; i++) {
        await push.send.put(Buffer.alloc(1 << 20, i));
        const [f] = await pull.recv.take();
        if (f.length !== 1 << 20 || f[12345] !== (i & 0xff)) throw new Error("bad frame " + i);
      }
      let after = Infinity;
      for (let tries = 0; tries < 50 && after - before > 64; tries++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10)); // the given-back queue drains
        after = held();
      }
      await pump.close();
      console.log(after - before <= 64 ? "collected" : "held " + Math.round(after - before) + " MiB");`);
    expect(r.out.trim()).toBe("collected");
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
  });

  // A released context lingers on the thread pool with lent frames still queued for a peer;
  // process.exit() then tears the JS heap down: teardown waits for that context first.
  it("exits cleanly with process.exit() while lent frames wait in a lingering context", () => {
    const r = runWithPump(`
      const pump = new Pump({ engine: "native" });
      const push = await pump.socket("push", {
        connect: "tcp://127.0.0.1:1", options: { linger: 300 } });
      for (let i = 0; i < 5; i++) await push.send.put(Buffer.alloc(1 << 20, i));
      await pump.close();
      setImmediate(() => process.exit(0));`);
    expect({ status: r.status, signal: r.signal, out: r.out }).toEqual({
      status: 0,
      signal: null,
      out: "",
    });
  });

  it("survives workers ended with frames lent both ways (terminate, process.exit)", () => {
    const r = endWorkers(
      `globalThis.kept = [];
      (async () => {
        const pump = new Pump({ engine: "native" });
        const pull = await pump.socket("pull", { bind: "inproc://w" });
        const push = await pump.socket("push", { connect: "inproc://w" });
        const stuck = await pump.socket("push", { connect: "tcp://127.0.0.1:1" });
        for (let i = 0; i < 8; i++) {
          await stuck.send.put(Buffer.alloc(1 << 18, i));
          await push.send.put(Buffer.alloc(1 << 18, i));
          kept.push(await pull.recv.take());
        }
        require("node:worker_threads").parentPort.postMessage("ready");
      })();`,
      200,
    );
    expect(r.out.trim()).toBe("workers ended");
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
  });
});
