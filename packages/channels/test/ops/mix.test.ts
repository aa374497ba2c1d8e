import { type Channel, type Mix, chan, mix } from "@sluice/channels";
import { settle, watch } from "./helpers";

/** Everything `out` holds now. */
function drain(out: ReturnType<typeof chan<number>>): number[] {
  const got: number[] = [];
  for (let v = out.poll(); v !== undefined; v = out.poll()) got.push(v);
  return got;
}

describe("mix", () => {
  it("puts the values of every input on out; an input that closes leaves, out stays open", async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const a = chan<number>();
    const b = chan<number>();
    m.admix(a);
    m.admix(b);
    await a.put(1);
    await b.put(2);
    a.close();
    await settle();
    await b.put(3);
    await settle();
    expect(drain(out).sort()).toEqual([1, 2, 3]);
    expect(out.closed).toBe(false);
  });

  it("slows every input to the pace of out", async () => {
    const out = chan<number>();
    const m = mix(out);
    const a = chan<number>();
    m.admix(a);
    await a.put(1); // taken, waits on out
    const second = watch(a.put(2));
    await settle();
    expect(second.outcome.state).toBe("pending");
    expect(await out.take()).toBe(1);
    expect(await out.take()).toBe(2);
  });

  it("takes and drops the values of a muted input", async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const a = chan<number>();
    m.toggle(new Map([[a, { mute: true }]])); // toggle also adds
    await settle();
    expect(await a.put(1)).toBe(true);
    m.toggle(new Map([[a, { mute: false }]]));
    await settle();
    await a.put(2);
    await settle();
    expect(drain(out)).toEqual([2]);
  });

  it("does not take from a paused input, from the very next value on", async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const a = chan<number>();
    m.admix(a);
    await settle(); // the loop now waits on `a`
    m.toggle(new Map([[a, { pause: true }]]));
    await settle();
    expect(a.offer(1)).toBe(false); // nobody takes from a paused input
    const put = watch(a.put(2));
    await settle();
    expect(put.outcome.state).toBe("pending");
    m.toggle(new Map([[a, { pause: false }]]));
    await settle();
    expect(put.outcome.state).toBe("fulfilled");
    expect(drain(out)).toEqual([2]);
  });

  it("while an input is soloed, mutes the others by default", async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const solo = chan<number>();
    const other = chan<number>();
    m.admix(other);
    m.toggle(new Map([[solo, { solo: true, mute: true }]])); // mute is ignored on a soloed input
    await settle();
    expect(await other.put(1)).toBe(true); // taken and dropped
    await solo.put(2);
    await settle();
    expect(drain(out)).toEqual([2]);
  });

  it("reads a soloed input even if it is also paused (solo beats pause, decision O7)", async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const a = chan<number>();
    m.toggle(new Map([[a, { solo: true, pause: true }]]));
    await settle();
    expect(a.offer(1)).toBe(true); // the mix is waiting on it
    await settle();
    expect(drain(out)).toEqual([1]);
  });

  it('while an input is soloed, pauses the others with soloMode("pause")', async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const solo = chan<number>();
    const other = chan<number>();
    m.admix(other);
    m.soloMode("pause");
    m.toggle(new Map([[solo, { solo: true }]]));
    await settle();
    const held = watch(other.put(1));
    await solo.put(2);
    await settle();
    expect(held.outcome.state).toBe("pending");
    m.toggle(new Map([[solo, { solo: false }]]));
    await settle();
    expect(drain(out)).toEqual([2, 1]);
  });

  it("unmix and unmixAll stop taking from the inputs (their values stay in them)", async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const a = chan<number>();
    const b = chan<number>();
    m.admix(a);
    m.admix(b);
    await settle();
    m.unmix(a);
    await settle();
    expect(a.offer(1)).toBe(false); // the mix's take on `a` was withdrawn
    expect(b.offer(2)).toBe(true);
    m.unmixAll();
    await settle();
    expect(b.offer(3)).toBe(false);
    expect(drain(out)).toEqual([2]);
  });

  it("stops once out refuses a value", async () => {
    const out = chan<number>();
    const m = mix(out);
    const a = chan<number>();
    m.admix(a);
    await settle(); // the loop waits on `a`
    out.close();
    expect(await a.put(1)).toBe(true); // taken, refused by out
    await settle();
    expect(a.offer(2)).toBe(false); // no take of the mix is left waiting
  });

  it("stops at the next change once out is closed, taking nothing more", async () => {
    const out = chan<number>();
    const m = mix(out);
    out.close();
    const a = chan<number>();
    m.admix(a);
    await settle();
    expect(a.offer(1)).toBe(false);
  });

  // One row per argument check: each is refused at the call with a message naming the argument.
  describe("refuses bad arguments at the call, naming them, and changes nothing then", () => {
    it.each<[string, (m: Mix<number>, a: Channel<number>) => unknown, RegExp]>([
      ["an out that is not a Channel", () => mix("out" as never), /mix: out must be a Channel/],
      ["an admix of a non-Channel", (m) => m.admix(1 as never), /admix: ch must be a Channel/],
      [
        "an unmix of a non-Channel",
        (m) => m.unmix(5 as never),
        /^unmix: ch must be a Channel, got the number 5$/,
      ],
      ["states that are not a Map", (m) => m.toggle({} as never), /toggle: states must be a Map/],
      [
        "an unknown state",
        (m, a) => m.toggle(new Map([[a, { loud: true } as never]])),
        /unknown state "loud"/,
      ],
      [
        "a state that is not a boolean",
        (m, a) => m.toggle(new Map([[a, { mute: 1 } as never]])),
        /state.mute must be a boolean/,
      ],
      [
        "a key of states that is not a Channel",
        (m) => m.toggle(new Map([[7 as never, {}]])),
        /toggle: a key of states must be a Channel/,
      ],
      [
        "an unknown solo mode",
        (m) => m.soloMode("solo" as never),
        /soloMode: mode must be "mute" or "pause"/,
      ],
    ])("refuses %s", (_what, call, message) => {
      const m = mix(chan<number>());
      const a = chan<number>();
      expect(() => call(m, a)).toThrow(message);
    });
  });
});
