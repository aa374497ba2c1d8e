#!/usr/bin/env node
// Puts the native engine that the build made into the package while it is packed, and takes
// it out again afterwards: `prepack` copies build/Release/sluice.node to
// prebuilds/<platform>-<arch>/node.napi.node, where the loader looks when there is no local
// build (engines/native-addon.ts); `postpack` removes prebuilds/. A user installing the
// package gets the engine without a compiler, on the platform it was packed on (Node-API 8:
// one binary for every Node >= 20 there); elsewhere the pump runs on zeromq.js as before
// (docs/decisions.md P41). Without a build (no compiler at pack time), the package has none.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const built = path.join(root, "build", "Release", "sluice.node");
const prebuilds = path.join(root, "prebuilds");
const target = path.join(prebuilds, `${process.platform}-${process.arch}`, "node.napi.node");

const step = process.argv[2];
if (step === "prepack") {
  fs.rmSync(prebuilds, { recursive: true, force: true });
  if (fs.existsSync(built)) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(built, target);
  } else {
    console.log("@sluice/zmq-channels: no native engine built; the package carries none");
  }
} else if (step === "postpack") {
  fs.rmSync(prebuilds, { recursive: true, force: true });
} else {
  console.error(`pack-native.js: expected "prepack" or "postpack", got ${JSON.stringify(step)}`);
  process.exit(2);
}
