#!/usr/bin/env node
// The packages' `prepack`: refuses to pack a package whose dist/ lacks the module built from
// one of its src/ modules (a fresh clone that was never built, or a module added since the
// build). npm and pnpm would pack such a package without a word, and it would install and
// then fail at its first require. (The build empties dist/ first, so dist/ holds nothing
// that src/ does not: packages/zmq-channels/test/packed.test.ts checks the tarball's side.)
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = process.cwd(); // npm and pnpm run a package's scripts in the package's folder
const name = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).name;

/** Every .ts module below `dir` (not declarations), as paths relative to `dir`. */
function modules(dir, under = "") {
  return fs.readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(under, entry.name);
    if (entry.isDirectory()) return modules(dir, file);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

const missing = modules(path.join(root, "src"))
  .map((file) => path.join("dist", file.replace(/\.ts$/, ".js")))
  .filter((file) => !fs.existsSync(path.join(root, file)));
if (missing.length > 0) {
  const some = missing.slice(0, 3).join(", ") + (missing.length > 3 ? ", …" : "");
  console.error(
    `${name}: not packed: dist/ lacks ${missing.length} built module(s) (${some}). ` +
      "Build first: npx -y pnpm@10 build",
  );
  process.exit(1);
}
