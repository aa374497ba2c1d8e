// select's `index` (the position of the op that committed, -1 for the default), its typing over
// tuples (the `// @ts-expect-error` lines are compiled by `pnpm typecheck`: each must be an
// error, or the type-check fails), and select([], { default }).
import { type Channel, DEFAULT, chan, select, timeout } from "@sluice/channels";
import { flush } from "./helpers";

describe("select's index", () => {
  it("is an own property: a result is { channel, value, index }", async () => {
    const a = chan<number>(1);
    a.offer(1);
    const r = await select([a]);
    expect(r).toEqual({ channel: a, value: 1, index: 0 });
    expect(Object.keys(r)).toEqual(["channel", "value", "index"]);
  });

  it("is the position of a take that was ready", async () => {
    const a = chan<number>(1);
    const b = chan<string>(1);
    b.offer("x");
    const r = await select([a, b]);
    expect([r.channel, r.value, r.index]).toEqual([b, "x", 1]);
  });

  it("is the position of a put that was ready", async () => {
    const a = chan<number>();
    const b = chan<number>(1);
    const r = await select([a, [b, 5]]);
    expect([r.channel, r.value, r.index]).toEqual([b, true, 1]);
  });

  it("is the op's position when select was called, though ops changes while it waits", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const ops: Channel<number>[] = [a, b];
    const moved = select(ops);
    ops[0] = b; // the caller reuses its array while the select waits
    ops[1] = a;
    await a.put(1);
    expect((await moved).index).toBe(0);
    const emptied = select(ops); // [b, a]
    ops.length = 0;
    await a.put(2);
    const r = await emptied;
    expect([r.channel, r.value, r.index]).toEqual([a, 2, 1]);
  });

  it("is the position of a parked take or put that a third party completed", async () => {
    const a = chan<number>();
    const b = chan<number>();
    const c = chan<number>();
    const take = select([a, [b, 7], c]);
    await flush();
    await c.put(3);
    const t = await take;
    expect([t.channel, t.value, t.index]).toEqual([c, 3, 2]);
    const put = select([a, [b, 7], c]);
    await flush();
    expect(await b.take()).toBe(7);
    const p = await put;
    expect([p.channel, p.value, p.index]).toEqual([b, true, 1]);
  });

  it("is -1 for the default", async () => {
    const r = await select([chan<number>()], { default: "none" });
    expect([r.channel, r.value, r.index]).toEqual([DEFAULT, "none", -1]);
  });

  it("select([], { default }) answers the default, as Go's `select { default: }` does", async () => {
    const r = await select([], { default: 7 });
    expect([r.channel, r.value, r.index]).toEqual([DEFAULT, 7, -1]);
    const u = await select([], { default: undefined });
    expect([u.channel, u.value, u.index]).toEqual([DEFAULT, undefined, -1]);
    expect(() => select([])).toThrow(/ops is empty, so nothing could ever complete/);
  });
});

// Type tests: compiled, never run for their values.
async function typed(nums: Channel<number>, strs: Channel<string>): Promise<void> {
  const r = await select([nums, [strs, "hi"], timeout(10)] as const);
  if (r.index === 0) {
    const n: number | undefined = r.value;
    // @ts-expect-error a take's value may be undefined (the channel closed)
    const m: number = r.value;
    void [n, m];
  } else if (r.index === 1) {
    const ok: boolean = r.value;
    // @ts-expect-error a put's value is a boolean, never the value put
    const s: string = r.value;
    void [ok, s];
  } else {
    // @ts-expect-error without a default, index is never -1
    const never: -1 = r.index;
    void never;
  }

  const d = await select([nums] as const, { default: "idle" as const });
  if (d.index === -1) {
    const idle: "idle" = d.value;
    const which: typeof DEFAULT = d.channel; // the default narrows the channel too
    void [idle, which];
  } else {
    // @ts-expect-error the take's value is not the default's type
    const idle: "idle" = d.value;
    void idle;
  }

  // A put's value is checked against its channel's type.
  await select([[nums, 1], strs]);
  // @ts-expect-error a string put into a Channel<number>
  await select([[nums, "x"], strs]);
  // @ts-expect-error undefined is never a value (a TypeError at run time)
  await select([[nums, undefined]]);
  const maybe = await nums.take();
  // @ts-expect-error a take's result may be undefined: narrow it before putting it on
  await select([[nums, maybe]]);

  // A tuple-typed variable narrows as well.
  const ops: [Channel<number>, Channel<string>] = [nums, strs];
  const t = await select(ops);
  if (t.index === 1) {
    // @ts-expect-error it is the second op's type: string | undefined
    const n: number | undefined = t.value;
    void n;
  }

  // An array literal narrows too, with no `as const` (select's type parameter is const).
  const literal = await select([nums, [strs, "hi"]]);
  if (literal.index === 0) {
    const n: number | undefined = literal.value;
    // @ts-expect-error the take's value, not the put's boolean
    const b: boolean = literal.value;
    void [n, b];
  } else {
    const ok: boolean = literal.value;
    // @ts-expect-error without a default, index is never -1
    const never: -1 = literal.index;
    void [ok, never];
  }

  // A plain array (a variable of an array type) is typed loosely: value is any.
  const many: Channel<number>[] = [nums];
  const loose = await select(many);
  const anything: Date = loose.value;
  const i: number = loose.index;
  void [anything, i];
  // channel is kept as it was: a channel or DEFAULT, whatever the ops.
  if (r.channel === DEFAULT || t.channel === nums) return;
}
void typed;
