import { chan, dropping, fixed, sliding } from "@sluice/channels";

describe("buffers", () => {
  it.each([
    ["fixed", fixed, 0],
    ["dropping", dropping, 1],
    ["sliding", sliding, 1],
  ] as const)(
    "%s(n) refuses a size that is not a whole number of at least %d",
    (name, make, least) => {
      for (const bad of [least - 1, -1, 1.5, NaN, Infinity]) {
        expect(() => make(bad)).toThrow(RangeError);
        expect(() => make(bad)).toThrow(
          new RegExp(`^${name}\\(n\\): n must be a whole number of at least ${least}`),
        );
      }
    },
  );

  it.each([
    ["fixed", fixed],
    ["dropping", dropping],
    ["sliding", sliding],
  ] as const)(
    "%s(n) refuses a size that is not a number with a TypeError, naming it",
    (name, make) => {
      for (const [bad, said] of [
        ["5", 'the string "5"'],
        [null, "null"],
        [{}, "an object"],
        [undefined, "undefined"],
        [5n, "the bigint 5"],
      ] as const) {
        expect(() => make(bad as never)).toThrow(
          new TypeError(`${name}(n): n must be a number, got ${said}`),
        );
      }
    },
  );

  it("fixed(0) is always full, so its channel is a rendezvous (core.async's (buffer 0))", async () => {
    expect(fixed(0).full).toBe(true);
    const ch = chan<number>(fixed(0));
    expect(ch.offer(1)).toBe(false); // no taker: nowhere to go
    const take = ch.take();
    expect(ch.offer(2)).toBe(true); // a waiting taker takes it directly
    expect(await take).toBe(2);
  });

  it("fixed is full at capacity; dropping and sliding never are", () => {
    const f = fixed<number>(2);
    f.add(1);
    expect(f.full).toBe(false);
    f.add(2);
    expect(f.full).toBe(true);
    const d = dropping<number>(1);
    d.add(1);
    d.add(2);
    expect(d.full).toBe(false);
    expect(d.remove()).toBe(1);
    expect(d.empty).toBe(true);
    const s = sliding<number>(1);
    s.add(1);
    s.add(2);
    expect(s.remove()).toBe(2);
  });

  it("chan() accepts a repeater-shaped buffer and rejects anything else", async () => {
    // The RepeaterBuffer shape: empty, full, add, remove.
    const items: number[] = [];
    const custom = {
      get empty() {
        return items.length === 0;
      },
      get full() {
        return items.length >= 2;
      },
      add: (v: number) => void items.push(v),
      remove: () => items.shift() as number,
    };
    const ch = chan<number>(custom);
    expect(ch.offer(1)).toBe(true);
    expect(ch.offer(2)).toBe(true);
    expect(ch.offer(3)).toBe(false);
    expect(await ch.take()).toBe(1);
    expect(() => chan({} as never)).toThrow(/chan\(buffer\): buffer must be/);
    expect(() => chan(-2)).toThrow(RangeError);
  });

  it("chan(n) names chan(buffer) when n is not a buffer size", () => {
    for (const bad of [-1, 1.5, NaN, Infinity]) {
      expect(() => chan(bad)).toThrow(
        new RangeError(
          `chan(buffer): a buffer size must be a whole number (0 or none: unbuffered), got ${bad}`,
        ),
      );
    }
  });
});
