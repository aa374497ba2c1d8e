import { Channel, chan, into, mult } from "@sluice/channels";
import { catchRaised, settle, watch } from "./helpers";

describe("mult", () => {
  it("gives every value to every tap and closes the taps when the source closes", async () => {
    const source = chan<number>();
    const m = mult(source);
    const a = m.tap(chan<number>());
    const b = m.tap(chan<number>(3));
    const keep = m.tap(chan<number>(3), false);
    const got = [into(a), into(b)];
    for (const v of [1, 2, 3]) await source.put(v);
    source.close();
    expect(await Promise.all(got)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    await settle();
    expect(keep.closed).toBe(false);
    expect([keep.poll(), keep.poll(), keep.poll()]).toEqual([1, 2, 3]);
  });

  it("takes the next value only once every tap accepted the current one", async () => {
    const source = chan<number>();
    const m = mult(source);
    const slow = m.tap(chan<number>());
    const fast = m.tap(chan<number>(10));
    await source.put(1);
    const second = watch(source.put(2));
    await settle();
    expect(second.outcome.state).toBe("pending");
    expect(fast.poll()).toBe(1);
    expect(await slow.take()).toBe(1);
    await settle();
    expect(second.outcome.state).toBe("fulfilled");
  });

  it("drops values while there are no taps", async () => {
    const source = chan<number>();
    const m = mult(source);
    expect(await source.put(1)).toBe(true);
    const late = m.tap(chan<number>(1));
    await source.put(2);
    await settle();
    expect(late.poll()).toBe(2);
    expect(late.poll()).toBeUndefined();
  });

  it("drops a tap that was closed and goes on with the others", async () => {
    const source = chan<number>();
    const m = mult(source);
    const gone = m.tap(chan<number>());
    const stays = m.tap(chan<number>(5));
    gone.close();
    await source.put(1);
    await source.put(2);
    await settle();
    expect([stays.poll(), stays.poll()]).toEqual([1, 2]);
  });

  it("untap withdraws a put still waiting, so a stuck tap no longer holds the mult", async () => {
    const source = chan<number>();
    const m = mult(source);
    const stuck = m.tap(chan<number>());
    const other = m.tap(chan<number>(5));
    await source.put(1);
    const second = watch(source.put(2));
    await settle();
    expect(second.outcome.state).toBe("pending");
    m.untap(stuck);
    await settle();
    expect(second.outcome.state).toBe("fulfilled");
    expect(stuck.poll()).toBeUndefined(); // the withdrawn put delivered nothing
    expect([other.poll(), other.poll()]).toEqual([1, 2]);
    source.close();
    await settle();
    expect(stuck.closed).toBe(false); // no longer a tap: not closed with the source
    expect(other.closed).toBe(true);
  });

  it("untapAll removes every tap", async () => {
    const source = chan<number>();
    const m = mult(source);
    const a = m.tap(chan<number>(1));
    const b = m.tap(chan<number>(1));
    m.untapAll();
    await source.put(1);
    source.close();
    await settle();
    expect([a.poll(), b.poll(), a.closed, b.closed]).toEqual([undefined, undefined, false, false]);
  });

  it("closes a tap made after the source closed", async () => {
    const source = chan<number>();
    const m = mult(source);
    source.close();
    await settle();
    expect(m.tap(chan<number>()).closed).toBe(true);
    expect(m.tap(chan<number>(), false).closed).toBe(false);
  });

  it("re-raises a tap's refusal at the put, drops that tap and goes on", async () => {
    class Positive extends Channel<number> {
      protected override validate(value: unknown): void {
        super.validate(value);
        if ((value as number) < 0) throw new TypeError("negative");
      }
    }
    await catchRaised(async (seen) => {
      const source = chan<number>();
      const m = mult(source);
      const picky = m.tap(new Positive(5));
      const easy = m.tap(chan<number>(5));
      await source.put(-1);
      await source.put(2);
      await settle();
      expect(seen).toEqual([new TypeError("negative")]);
      expect([easy.poll(), easy.poll()]).toEqual([-1, 2]);
      expect(picky.poll()).toBeUndefined(); // dropped after the refusal: 2 never reached it
    });
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => mult(undefined as never)).toThrow(/mult: ch must be a Channel, got undefined/);
    const m = mult(chan<number>());
    expect(() => m.tap("x" as never)).toThrow(/tap: ch must be a Channel/);
    expect(() => m.tap(chan<number>(), 1 as never)).toThrow(/tap: close must be a boolean/);
  });

  it("untap refuses a non-channel, naming it, as tap does", () => {
    const m = mult(chan<number>());
    expect(() => m.untap(5 as never)).toThrow(
      new TypeError("untap: ch must be a Channel, got the number 5"),
    );
    expect(() => m.untap(undefined as never)).toThrow(/untap: ch must be a Channel, got undefined/);
  });
});
