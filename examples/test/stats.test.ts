import { Samples, table } from "../src/stats";

describe("demo statistics", () => {
  it("computes nearest-rank percentiles over what was added", () => {
    const s = new Samples();
    expect(s.percentile(50)).toBeNaN();
    for (const v of [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]) s.add(v);
    expect(s.percentile(50)).toBe(5);
    expect(s.percentile(99)).toBe(10);
    expect(s.percentile(100)).toBe(10);
    expect(s.percentile(0)).toBe(1);
    expect(s.clear()).toBe(10);
    expect(s.count).toBe(0);
  });

  it("aligns a table: first column left, the others right", () => {
    expect(
      table(
        ["name", "n"],
        [
          ["a", "100"],
          ["bbbb", "2"],
        ],
      ),
    ).toBe(["name    n", "----  ---", "a     100", "bbbb    2"].join("\n"));
  });
});
