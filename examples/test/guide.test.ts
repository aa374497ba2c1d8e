import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, extractRegion, quotes, regenerate } from "../src/tools/guide-regions";

describe("docs/guide.md quotes the examples", () => {
  const guide = readFileSync(join(ROOT, "docs", "guide.md"), "utf8");

  it("shows every quoted region exactly as the source has it (regenerate: pnpm --filter @sluice/examples guide)", () => {
    const all = quotes(guide);
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const q of all)
      expect({ at: `${q.file}#${q.region}`, code: q.quoted }).toEqual({
        at: `${q.file}#${q.region}`,
        code: q.source,
      });
  });

  it("detects a quote that drifted, and regenerating fixes it", () => {
    const [first] = quotes(guide);
    const drifted = guide.replace(first!.quoted, first!.quoted.replace(/\n/, "\n// drift\n"));
    expect(quotes(drifted).some((q) => q.quoted !== q.source)).toBe(true);
    expect(regenerate(drifted)).toBe(guide);
  });

  it("extracts a region dedented, and names a missing one", () => {
    const source = "a\n  // #region r\n    x()\n  y()\n  // #endregion r\nb\n";
    expect(extractRegion(source, "r")).toBe("  x()\ny()\n");
    expect(() => extractRegion(source, "nope", "file.ts")).toThrow('file.ts: no "// #region nope"');
  });
});
