// Messages: what a send channel accepts, and how it names what it refuses (frames.ts).
import type { Channel } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { address, takeN, takeWithin } from "./helpers";

describe("bad input", () => {
  let pump: Pump;
  beforeEach(() => {
    pump = new Pump();
  });
  afterEach(() => pump.close());

  it("rejects a put of a non-Message on send with a TypeError naming it", async () => {
    const push = await pump.socket("push", { bind: address("inproc") });
    const put = (v: unknown): Promise<boolean> => (push.send as Channel<unknown>).put(v);
    expect(() => put(42)).toThrow(/got the number 42$/);
    expect(() => put({ a: 1 })).toThrow(/got an object$/);
    expect(() => put(new Map() as never)).toThrow(/got a Map$/);
    expect(() => put([Buffer.from("x"), undefined] as never)).toThrow(/got undefined at frame 1$/);
    expect(() => put([])).toThrow(/empty array/);
    expect(() => put(["ok", 5])).toThrow(/at frame 1/);
    expect(() => put(null)).toThrow(TypeError);
    expect(() => put(undefined)).toThrow(TypeError);
    expect(push.send.offer("fine")).toBe(true);
  });

  it("refuses at the send a message changed after its put into no message, on both engines (P61)", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    const a: unknown[] = ["a", "b"];
    const b: unknown[] = ["x"];
    expect(push.send.offer(a as string[])).toBe(true);
    expect(push.send.offer(b as string[])).toBe(true);
    a[1] = 42; // before the lane takes them: it runs in a later microtask
    b.length = 0;
    await push.send.put("after");
    expect((await takeN(pull.recv, 1)).map((m) => m.map(String))).toEqual([["after"]]);
    const errors = await takeN(pump.errors, 2);
    expect(errors.map((e) => [e.code, e.unsent])).toEqual([
      ["EINVAL", a],
      ["EINVAL", b],
    ]);
    expect(errors[0]!.message).toMatch(
      /got the number 42 at frame 1 \(the message was changed after its put\)/,
    );
  });

  it("refuses a detached Uint8Array at the put; one detached after its put is refused at the send, and nothing else is lost", async () => {
    const pull = await pump.socket("pull", { bind: address("inproc") });
    const push = await pump.socket("push", { connect: pull.endpoints[0] });
    const detach = (view: Uint8Array): void => {
      structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
    };
    const gone = new Uint8Array(16);
    detach(gone);
    expect(() => push.send.put(gone)).toThrow(
      /got a Uint8Array whose ArrayBuffer was detached \(transferred away\)$/,
    );
    expect(() => push.send.put(["a", gone])).toThrow(/detached \(transferred away\) at frame 1$/);
    await expect(push.transmit(gone)).rejects.toThrow(TypeError);
    expect(push.send.offer(new Uint8Array(0))).toBe(true); // empty, not detached
    const later = new Uint8Array([1, 2, 3]);
    void push.send.put("before");
    void push.send.put(later);
    detach(later); // after its put, before the pump sends it
    void push.send.put("after");
    const got = await takeN(pull.recv, 3);
    expect(got.map((m) => m.map((f) => f.toString()))).toEqual([[""], ["before"], ["after"]]);
    const refused = await takeWithin(pump.errors);
    expect([refused.code, refused.unsent]).toEqual(["EINVAL", later]);
    expect(refused.message).toMatch(
      /detached \(transferred away\) \(the message was changed after/,
    );
  });
});
