// Messages: what a send channel accepts, and how it names what it refuses (frames.ts).
import type { Channel } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { address } from "./helpers";

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
});
