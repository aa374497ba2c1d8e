import { Ring } from "../src/ring";

describe("Ring", () => {
  it("is first-in first-out across growth and wrap-around", () => {
    const ring = new Ring<number>();
    const expected: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps while the ring grows.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < round % 7; i++) {
        ring.push(next);
        expected.push(next++);
      }
      for (let i = 0; i < round % 5 && expected.length > 0; i++) {
        expect(ring.shift()).toBe(expected.shift());
      }
      expect(ring.length).toBe(expected.length);
    }
    while (expected.length > 0) expect(ring.shift()).toBe(expected.shift());
    expect(ring.shift()).toBeUndefined();
    expect(ring.length).toBe(0);
  });

  it("retain keeps the chosen items in order", () => {
    const ring = new Ring<number>(4);
    for (let i = 0; i < 3; i++) ring.push(-1); // move the head off zero
    for (let i = 0; i < 3; i++) ring.shift();
    for (let i = 0; i < 10; i++) ring.push(i);
    ring.retain((x) => x % 3 !== 0);
    expect(ring.length).toBe(6);
    const out: number[] = [];
    for (let x = ring.shift(); x !== undefined; x = ring.shift()) out.push(x);
    expect(out).toEqual([1, 2, 4, 5, 7, 8]);
  });
});
