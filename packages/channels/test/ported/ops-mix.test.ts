/*
 * mix, toggle and solo mode, ported.
 *
 * Ported from:
 *   clojure/core.async async_test.clj ops-tests, and the mix, toggle and solo-mode docstrings
 *
 * How the originals' names map to sluice's, where sluice deliberately differs, and what was
 * not translated and why: README.md in this folder.
 */
import { chan, from, mix } from "@sluice/channels";
import { takeWithin, watch, within } from "../helpers";
import { drain, range, settle } from "./helpers";

jest.setTimeout(5000);

describe("core.async async_test.clj ops-tests", () => {
  it("core.async: ops-tests mix", async () => {
    const out = chan<number>();
    const mx = mix(out);
    mx.admix(from([1, 2, 3]));
    mx.admix(from([4, 5, 6]));
    const got = new Set<number>();
    for (let i = 0; i < 6; i++) got.add((await out.take()) as number);
    expect(got).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    out.close(); // the mix never closes out; closing it ends the mix's loop (O7)
  });

  it("core.async: ops-tests mix (ASYNC-145: more inputs than a channel's pending limit)", async () => {
    const N = 2048;
    const out = chan<number>(2500);
    const mx = mix(out);
    const puts: Promise<boolean>[] = [];
    for (let i = 0; i < N; i++) {
      const c = chan<number>();
      mx.admix(c);
      puts.push(c.put(i));
    }
    const got = new Set<number>();
    for (let i = 0; i < N; i++) got.add((await out.take()) as number);
    expect(got).toEqual(new Set(range(N)));
    expect((await Promise.all(puts)).every((ok) => ok)).toBe(true);
    mx.unmixAll();
    out.close();
  });
});

describe("core.async mix, toggle and solo-mode docstrings", () => {
  it('core.async toggle docstring: "channels can be added to a mix via toggle, which can be used to add channels in a particular (e.g. paused) state"', async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const c = chan<number>();
    m.toggle(new Map([[c, { pause: true }]]));
    await settle();
    const held = watch(c.put(1));
    await settle();
    expect(held.outcome).toEqual({ state: "pending" }); // "not have their contents consumed"
    m.toggle(new Map([[c, { pause: false }]]));
    await settle();
    expect(held.outcome).toEqual({ state: "fulfilled", value: true });
    expect(drain(out)).toEqual([1]);
    m.unmixAll();
  });

  it('core.async toggle docstring: "Any states supplied are merged with the current state"', async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const c = chan<number>();
    m.admix(c);
    m.toggle(new Map([[c, { mute: true }]]));
    m.toggle(new Map([[c, { pause: false }]])); // leaves mute as it was
    await settle();
    expect(await within(c.put(1))).toBe(true); // "muted channels will have their contents consumed
    await settle();
    expect(drain(out)).toEqual([]); // but not included in the mix"
    m.unmixAll();
  });

  it("core.async admix* (swap! cs assoc ch {}): admixing an input again clears its state", async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const c = chan<number>();
    m.admix(c);
    m.toggle(new Map([[c, { mute: true }]]));
    m.admix(c);
    await settle();
    expect(await within(c.put(1))).toBe(true);
    await settle();
    expect(drain(out)).toEqual([1]); // heard: no longer muted
    m.unmixAll();
  });

  it('core.async mix docstring: ":mute and :pause states of soloed channels are ignored" (decision O7 for pause)', async () => {
    const out = chan<number>(10);
    const m = mix(out);
    const a = chan<number>();
    const b = chan<number>();
    m.admix(b);
    m.toggle(new Map([[a, { solo: true, mute: true, pause: true }]]));
    await settle();
    expect(await within(a.put(1))).toBe(true);
    expect(await within(b.put(2))).toBe(true); // solo-mode :mute: b is consumed, not heard
    await settle();
    expect(drain(out)).toEqual([1]);
    m.unmixAll();
  });

  it('core.async toggle docstring: "Atomically sets the state(s)"; sluice docs: "a change applies from the very next value" (even while the mix waits on out)', async () => {
    // The mix holds a value for an unbuffered `out` while more wait in its input. A mute made
    // then must apply to the next value the mix reads, not be raced by it.
    for (let trial = 0; trial < 20; trial++) {
      const out = chan<number>();
      const m = mix(out);
      const a = chan<number>(10);
      for (const v of [1, 2, 3]) a.offer(v);
      m.admix(a);
      await settle();
      m.toggle(new Map([[a, { mute: true }]]));
      expect(await takeWithin(out)).toBe(1); // read before the toggle: heard
      await settle();
      expect([trial, out.poll(), drain(a)]).toEqual([trial, undefined, []]); // 2, 3: dropped
      m.unmixAll();
      out.close();
    }
  });
});
