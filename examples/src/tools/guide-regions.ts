// Keeps docs/guide.md's code quotes identical to the example sources, so the guide cannot drift.
//
// In an example:   // #region client            In the guide:   <!-- region: examples/src/hello.ts#client -->
//                  ...code...                                    ```ts
//                  // #endregion client                          ...the same code, dedented...
//                                                                ```
// `node dist/tools/guide-regions.js` reports stale quotes (exit 1); `--write` rewrites them.
// The examples' test suite runs the same check.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root, from src/tools or dist/tools alike. */
export const ROOT = join(__dirname, "..", "..", "..");

const MARKER = /^<!-- region: (\S+)#(\S+) -->\n```(\w*)\n([\s\S]*?)^```$/gm;

/** The lines between `// #region name` and the next `// #endregion`, common indentation removed. */
export function extractRegion(source: string, name: string, where = "source"): string {
  const lines = source.split("\n");
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  if (start < 0) throw new Error(`${where}: no "// #region ${name}"`);
  const end = lines.findIndex((l, i) => i > start && l.trim().startsWith("// #endregion"));
  if (end < 0) throw new Error(`${where}: "// #region ${name}" has no "// #endregion"`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length),
  );
  return body.map((l) => l.slice(indent)).join("\n") + "\n";
}

export interface Quote {
  file: string;
  region: string;
  /** What the guide shows. */
  quoted: string;
  /** What the source says now. */
  source: string;
}

/** Every region quote in a markdown text, with what it shows and what the source says. */
export function quotes(markdown: string, root = ROOT): Quote[] {
  return [...markdown.matchAll(MARKER)].map(([, file, region, , quoted]) => ({
    file: file!,
    region: region!,
    quoted: quoted!,
    source: extractRegion(readFileSync(join(root, file!), "utf8"), region!, file),
  }));
}

/** The markdown with every region quote replaced by the current source. */
export function regenerate(markdown: string, root = ROOT): string {
  return markdown.replace(MARKER, (_all, file: string, region: string, lang: string) => {
    const source = extractRegion(readFileSync(join(root, file), "utf8"), region, file);
    return `<!-- region: ${file}#${region} -->\n\`\`\`${lang}\n${source}\`\`\``;
  });
}

if (require.main === module) {
  const guide = join(ROOT, "docs", "guide.md");
  const text = readFileSync(guide, "utf8");
  if (process.argv.includes("--write")) {
    writeFileSync(guide, regenerate(text));
    console.log(`docs/guide.md: ${quotes(text).length} quotes regenerated`);
  } else {
    const stale = quotes(text).filter((q) => q.quoted !== q.source);
    for (const q of stale) console.error(`stale quote: ${q.file}#${q.region}`);
    process.exitCode = stale.length > 0 ? 1 : 0;
  }
}
