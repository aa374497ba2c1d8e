import { chan, fixed, into, pub } from "@sluice/channels";
import { getGc } from "../helpers";
import { catchRaised, settle, sleep, watch } from "./helpers";

type Msg = { topic: string; n: number };
const msg = (topic: string, n: number): Msg => ({ topic, n });
const byTopic = (m: Msg): string => m.topic;

describe("pub", () => {
  it("routes each value to the subscribers of its topic, every subscriber getting every value", async () => {
    const source = chan<Msg>();
    const p = pub(source, byTopic);
    const a1 = p.sub("a", chan<Msg>(5));
    const a2 = p.sub("a", chan<Msg>(5));
    const b = p.sub("b", chan<Msg>(5));
    const got = [into(a1), into(a2), into(b)];
    for (const m of [msg("a", 1), msg("b", 2), msg("c", 3), msg("a", 4)]) await source.put(m);
    source.close();
    const [x, y, z] = await Promise.all(got);
    expect(x!.map((m) => m.n)).toEqual([1, 4]);
    expect(y!.map((m) => m.n)).toEqual([1, 4]);
    expect(z!.map((m) => m.n)).toEqual([2]); // "c" had no subscribers: dropped
  });

  it("closes the subscribers when the source closes, except those made with close false", async () => {
    const source = chan<Msg>();
    const p = pub(source, byTopic);
    const closes = p.sub("a", chan<Msg>());
    const stays = p.sub("a", chan<Msg>(), false);
    source.close();
    await settle();
    expect([closes.closed, stays.closed]).toEqual([true, false]);
    expect(p.sub("late", chan<Msg>()).closed).toBe(true);
  });

  it("holds the source while an unbuffered topic's subscriber is slow", async () => {
    const source = chan<Msg>();
    const p = pub(source, byTopic);
    const slow = p.sub("a", chan<Msg>());
    await source.put(msg("a", 1));
    await source.put(msg("a", 2)); // taken by pub, which waits on the topic
    const third = watch(source.put(msg("a", 3)));
    await settle();
    expect(third.outcome.state).toBe("pending");
    expect((await slow.take())!.n).toBe(1);
    expect((await slow.take())!.n).toBe(2);
    expect((await slow.take())!.n).toBe(3);
  });

  it("buffers a topic with bufferFn, so its slow subscriber does not hold the others", async () => {
    const source = chan<Msg>();
    const p = pub(source, byTopic, (topic) => (topic === "slow" ? 3 : undefined));
    const slow = p.sub("slow", chan<Msg>());
    const fast = p.sub("fast", chan<Msg>(1));
    for (const n of [1, 2, 3]) await source.put(msg("slow", n));
    await source.put(msg("fast", 4));
    await settle();
    expect(fast.poll()?.n).toBe(4);
    expect((await slow.take())!.n).toBe(1);
  });

  it("unsub stops one subscriber; unsubAll(topic) and unsubAll() stop many, closing none", async () => {
    const source = chan<Msg>();
    const p = pub(source, byTopic);
    const a1 = p.sub("a", chan<Msg>(5));
    const a2 = p.sub("a", chan<Msg>(5));
    const b = p.sub("b", chan<Msg>(5));
    p.unsub("a", a1);
    await source.put(msg("a", 1));
    await settle();
    expect([a1.poll(), a2.poll()?.n]).toEqual([undefined, 1]);
    p.unsubAll("a");
    await source.put(msg("a", 2));
    await source.put(msg("b", 3));
    await settle();
    expect([a2.poll(), b.poll()?.n]).toEqual([undefined, 3]);
    p.unsubAll();
    await source.put(msg("b", 4));
    source.close();
    await settle();
    expect([b.poll(), a1.closed, a2.closed, b.closed]).toEqual([undefined, false, false, false]);
  });

  // A pub keyed by ever-new topics (sessions, requests) kept every topic it ever had.
  it("lets go of a topic once its last subscriber leaves, by unsub or by closing", async () => {
    const source = chan<Msg>();
    const made: string[] = [];
    let collected = 0;
    const registry = new FinalizationRegistry(() => collected++);
    const p = pub(source, byTopic, (topic) => {
      made.push(topic);
      const buffer = fixed<Msg>(2);
      registry.register(buffer, topic);
      return buffer;
    });
    p.unsub("a", p.sub("a", chan<Msg>(1)));
    p.sub("b", chan<Msg>()).close(); // dropped at the first value it refuses
    await source.put(msg("b", 1));
    await settle();
    const again = p.sub("a", chan<Msg>(1)); // a topic subscribed again is made anew
    await source.put(msg("a", 2));
    expect((await again.take())!.n).toBe(2);
    expect(made).toEqual(["a", "b", "a"]);
    const gc = getGc();
    for (let i = 0; i < 10 && collected < 2; i++) {
      gc();
      await sleep(10); // FinalizationRegistry callbacks run in a later task
    }
    expect(collected).toBe(2); // the two topics that were let go
  });

  it("re-raises an error of topicFn and closes the subscribers", async () => {
    await catchRaised(async (raised) => {
      const source = chan<Msg>(2);
      const boom = new Error("no topic");
      const p = pub(source, (m: Msg) => {
        if (m.n === 2) throw boom;
        return m.topic;
      });
      const a = p.sub("a", chan<Msg>(5));
      await source.put(msg("a", 1));
      await source.put(msg("a", 2));
      await source.put(msg("a", 3));
      expect((await a.take())!.n).toBe(1);
      expect(await a.take()).toBeUndefined();
      await settle();
      expect(raised).toEqual([boom]);
      expect(source.poll()?.n).toBe(3); // pub stopped taking
    });
  });

  it("refuses bad arguments at the call, naming them", () => {
    expect(() => pub({} as never, byTopic)).toThrow(/pub: ch must be a Channel/);
    expect(() => pub(chan(), "topic" as never)).toThrow(/pub: topicFn must be a function/);
    expect(() => pub(chan<Msg>(), byTopic, 3 as never)).toThrow(/pub: bufferFn must be a function/);
    const p = pub(chan<Msg>(), byTopic);
    expect(() => p.sub("a", null as never)).toThrow(/sub: ch must be a Channel, got null/);
    const bad = pub(chan<Msg>(), byTopic, () => -2);
    expect(() => bad.sub("a", chan<Msg>())).toThrow(RangeError);
  });

  it("unsub refuses a non-channel, naming it, as sub does (whether or not the topic exists)", () => {
    const p = pub(chan<Msg>(), byTopic);
    p.sub("t", chan<Msg>());
    for (const topic of ["t", "none"]) {
      expect(() => p.unsub(topic, 5 as never)).toThrow(
        new TypeError("unsub: ch must be a Channel, got the number 5"),
      );
    }
  });
});
