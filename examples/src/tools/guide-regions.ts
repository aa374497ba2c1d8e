// Keeps the code quotes in docs/guide.md and the READMEs identical to the example sources, so the
// docs cannot drift.
//
// In an example:   // #region client            In the guide:   <!-- region: examples/src/hello.ts#client -->
//                  ...code...                                    ```ts
//                  // #endregion client                          ...the same code, dedented...
//                                                                ```
// `node dist/tools/guide-regions.js` reports stale quotes (exit 1); `--write` rewrites them.
// The examples' test suite runs the same check.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

/** The repository root, from src/tools or dist/tools alike. */
export const ROOT = join(__dirname, "..", "..", "..");

/** The markdown files that quote the examples, relative to the root. */
export const QUOTING = [
  "docs/guide.md",
  "README.md",
  // The packages' npm pages, quoting the consumer that the packed-install test runs.
  "packages/channels/README.md",
  "packages/zmq-channels/README.md",
];

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

export const USAGE = `usage: node dist/tools/guide-regions.js [--write]

Checks that the code quotes in the docs and the READMEs are identical to the sources they
quote (exit 1 when one is stale):
  ${QUOTING.join("\n  ")}

flags:
  --write     rewrite every quote from the current source
  --help, -h  print this help and exit`;

if (require.main === module) {
  let flags: { write?: boolean; help?: boolean };
  try {
    flags = parseArgs({
      options: { write: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`); // an unknown flag or an argument
    process.exit(2);
  }
  if (flags.help) {
    console.log(USAGE);
    process.exit(0);
  }
  let stale = 0;
  for (const file of QUOTING) {
    const path = join(ROOT, file);
    const text = readFileSync(path, "utf8");
    if (flags.write) {
      writeFileSync(path, regenerate(text));
      console.log(`${file}: ${quotes(text).length} quotes regenerated`);
    } else {
      for (const q of quotes(text).filter((q) => q.quoted !== q.source)) {
        console.error(`${file}: stale quote of ${q.file}#${q.region}`);
        stale++;
      }
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
