#!/usr/bin/env node
// Builds the native engine (native/sluice.cc) for the running Node, with the compiler that is
// here, into build/Release/sluice.node (node-gyp-build's layout: a local build wins over
// prebuilds/<platform>-<arch>/). Downloads nothing: the headers are the running Node's own.
// The engine is optional: without a compiler or headers, or when the compile fails, this
// prints one line and succeeds, and the pump runs on the zeromq.js engine (docs/decisions.md P25).
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "build", "Release", "sluice.node");

function skip(why) {
  fs.rmSync(out, { force: true }); // never leave a stale engine behind a failed build
  console.log(`@sluice/zmq-channels: native engine not built (${why}); the zeromq.js engine runs`);
  process.exit(0);
}

if (process.env.SLUICE_NATIVE_BUILD === "0") skip("SLUICE_NATIVE_BUILD=0");
if (process.platform === "win32") skip("no Windows build yet");

// The running Node's headers: <prefix>/include/node next to <prefix>/bin/node (distribution
// packages and the official tarballs), or a --nodedir given in SLUICE_NODEDIR.
const nodedir = process.env.SLUICE_NODEDIR;
const include = [
  nodedir && path.join(nodedir, "include", "node"),
  path.resolve(path.dirname(process.execPath), "..", "include", "node"),
].find((dir) => dir && fs.existsSync(path.join(dir, "node_api.h")));
if (include === undefined) skip("no Node headers next to " + process.execPath);

const candidates = [process.env.CXX, "c++", "g++", "clang++"].filter(Boolean);
const compiler = candidates.find(
  (cc) => spawnSync(cc, ["--version"], { stdio: "ignore" }).status === 0,
);
if (compiler === undefined) skip("no C++ compiler (tried " + candidates.join(", ") + ")");

const tmp = `${out}.${process.pid}.tmp`;
fs.mkdirSync(path.dirname(out), { recursive: true });
// SLUICE_NATIVE_SANITIZE=address: an AddressSanitizer build for .ci/asan (use after free,
// overflows), never for a user's build.
const sanitize = process.env.SLUICE_NATIVE_SANITIZE === "address";
const args = [
  "-std=c++17",
  ...(sanitize ? ["-O1", "-g", "-fsanitize=address", "-fno-omit-frame-pointer"] : ["-O2"]),
  "-fPIC",
  "-shared",
  "-fvisibility=hidden",
  "-DNAPI_VERSION=8",
  "-DNODE_GYP_MODULE_NAME=sluice",
  "-I",
  include,
  path.join(root, "native", "sluice.cc"),
  "-o",
  tmp,
  ...(process.platform === "darwin" ? ["-undefined", "dynamic_lookup"] : ["-ldl"]),
];
const result = spawnSync(compiler, args, { encoding: "utf8", timeout: 300_000 });
if (result.status !== 0) {
  fs.rmSync(tmp, { force: true });
  const first = `${result.stderr || result.error || ""}`.split("\n").find((l) => l.trim());
  skip(`${compiler} failed: ${first ?? "status " + result.status}`);
}
fs.renameSync(tmp, out); // atomic: a concurrent load never sees half a file
console.log(
  `@sluice/zmq-channels: native engine built (${path.relative(root, out)}${sanitize ? ", with AddressSanitizer" : ""})`,
);
