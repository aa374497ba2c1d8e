import { readFileSync } from "node:fs";
import { join } from "node:path";
import { QUOTING, ROOT, extractRegion, quotes, regenerate } from "../src/tools/guide-regions";

const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

describe("the docs quote the examples, checked", () => {
  it.each(QUOTING)(
    "%s shows every quoted region exactly as the source has it (refresh: pnpm --filter @sluice/examples guide)",
    (file) => {
      const all = quotes(read(file));
      // A package's README quotes its one example; the guide and the main README, several.
      expect(all.length).toBeGreaterThanOrEqual(file.startsWith("packages/") ? 1 : 3);
      for (const q of all) {
        const at = `${file} quoting ${q.file}#${q.region}`;
        expect({ at, code: q.quoted }).toEqual({ at, code: q.source });
      }
    },
  );

  it("the guide walks through every example", () => {
    const quoted = new Set(quotes(read("docs/guide.md")).map((q) => q.file));
    for (const name of ["basics", "hello", "weather", "pipeline", "pipeline-worker", "asyncsrv"]) {
      expect(quoted).toContain(`examples/src/${name}.ts`);
    }
    for (const name of [
      "lbbroker",
      "select-many",
      "pirate",
      "reqrep",
      "majordomo-client",
      "devices",
      "demo",
    ]) {
      expect(quoted).toContain(`examples/src/${name}.ts`);
    }
  });

  it("detects a quote that drifted, and regenerating fixes it", () => {
    const guide = read("docs/guide.md");
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
