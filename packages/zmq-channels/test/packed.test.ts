// Both packages as a user gets them: packed by plain `npm pack` (and by `pnpm pack`, which must
// give the same tarball), installed with plain npm into a scratch project outside the workspace
// (zeromq from the registry, as a user's install gets it), then used by three consumers: an ES
// module with named imports, a CommonJS script, and TypeScript checked under `node16` and
// `bundler` resolution. `pnpm test` builds first; this packs what the build left in each
// package's dist/.
//
// What it guards: `files` (a file left out of the tarball), `exports`/`main`/`types` (a path
// that does not resolve), the export lists (every name in src/index.ts is there at run time and
// in the declarations), and one copy of @sluice/channels, so `instanceof Channel` holds across
// the two packages.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const PACKAGES = {
  "@sluice/channels": join(ROOT, "packages", "channels"),
  "@sluice/zmq-channels": join(ROOT, "packages", "zmq-channels"),
} as const;
type Name = keyof typeof PACKAGES;
const NAMES = Object.keys(PACKAGES) as Name[];

/** npm install may fetch zeromq (a few MB, prebuilt binaries inside) on a cold cache. */
const INSTALL_MS = 240_000;
/** One consumer: a node process or a tsc run (tsc takes 5–15 s on a loaded machine). */
const RUN_MS = 60_000;

/**
 * The names a package's src/index.ts exports: values, and types (`export type { … }`). A value
 * is re-exported either as `export { … } from` or as `export import name = module.name`
 * (@sluice/channels, decision C20).
 */
function exportsOf(name: Name): { values: string[]; types: string[] } {
  const source = readFileSync(join(PACKAGES[name], "src", "index.ts"), "utf8");
  const values: string[] = [];
  const types: string[] = [];
  for (const [, typeOnly, list] of source.matchAll(/^export\s+(type\s+)?\{([^}]*)\}\s*from/gm)) {
    for (const item of list!.split(",").map((s) => s.trim())) {
      if (item === "") continue;
      const inlineType = item.startsWith("type ");
      const exported = item
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .at(-1)!;
      (typeOnly || inlineType ? types : values).push(exported);
    }
  }
  for (const [, exported] of source.matchAll(/^export\s+import\s+(\w+)\s*=/gm)) {
    values.push(exported!);
  }
  return { values: values.sort(), types: types.sort() };
}

/** Runs a command to its end within `ms`; its stdout, or a failure carrying its output. */
function run(command: string, args: string[], cwd: string, ms = RUN_MS): string {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: ms, killSignal: "SIGKILL" });
  if (r.status !== 0) {
    const how = r.error ? r.error.message : `exit ${r.status}, signal ${r.signal}`;
    throw new Error(`${command} ${args.join(" ")} (in ${cwd}): ${how}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

// The round trip in TypeScript: the same as consumer.mjs, with types a user would write.
const TS_CONSUMER = `
import { chan, select, Channel, type SelectResult } from "@sluice/channels";
import { Pump, type Frame, type Message, type Sockets } from "@sluice/zmq-channels";

const idle = chan<string>();
const ready = chan<string>(1);
await ready.put("ready");
const picked: SelectResult = await select([idle, ready]);

// Optional options given as undefined, as exactOptionalPropertyTypes lets a user write them.
const pump = new Pump({ engine: undefined, context: undefined });
const pull: Sockets = await pump.socket("pull", { bind: "tcp://127.0.0.1:*" });
const push = await pump.socket("push", {});
await push.connect(pull.endpoints[0]!, { routingId: undefined });
// A context is the Pump's (new Pump({ context })), never a socket's option: socket() refuses it.
// @ts-expect-error
const refused = () => pump.socket("pull", { options: { context: {} as never } });
void refused;
const sent: Message = "over the pump";
const parts = ["a readonly", "multipart"] as const;
const frozen: Message = parts; // a readonly array: the pump only reads a message
void frozen;
await push.send.put(sent);
const message: Frame[] | undefined = await pull.recv.take();
await pump.close();

console.log(
  JSON.stringify({
    selected: picked.channel === ready ? picked.value : "the wrong channel",
    received: (message ?? []).map(String),
    recvIsChannel: pull.recv instanceof Channel,
  }),
);
`;

/** Every exported name, imported as a type: tsc fails on any the declarations lack. */
function importEveryName(): string {
  return NAMES.map((name) => {
    const { values, types } = exportsOf(name);
    const all = [...values, ...types];
    const aliases = all.map((n) => `${n} as _${name.replace(/\W/g, "_")}_${n}`);
    return `import type { ${aliases.join(", ")} } from "${name}";`;
  }).join("\n");
}

function tsconfig(resolution: "node16" | "bundler"): object {
  return {
    compilerOptions: {
      strict: true,
      exactOptionalPropertyTypes: true,
      target: "ES2022",
      module: resolution === "node16" ? "node16" : "esnext",
      moduleResolution: resolution,
      // The packages' declarations and zeromq's are checked too, as a strict user's would be.
      skipLibCheck: false,
      types: ["node"],
      typeRoots: [join(ROOT, "node_modules", "@types")],
      outDir: `out-${resolution}`,
      noEmit: resolution !== "node16",
    },
    files: ["consumer-ts.mts"],
  };
}

let project: string;
const tarballs: Partial<Record<Name, string[]>> = {}; // packed by npm: the ones installed
const pnpmTarballs: Partial<Record<Name, string[]>> = {};
const manifests: Partial<Record<Name, Array<{ scripts?: unknown }>>> = {}; // package.json as npm and pnpm packed it

/** The files in a tarball, without npm's `package/` prefix, sorted. */
function listing(tgz: string): string[] {
  return run("tar", ["tzf", tgz], project)
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""))
    .sort();
}

beforeAll(
  () => {
    project = mkdtempSync(join(tmpdir(), "sluice-packed-"));
    const packs = join(project, "packs");
    const pnpmPacks = join(project, "pnpm-packs");
    mkdirSync(packs); // npm pack does not make its destination
    for (const name of NAMES) {
      run("npm", ["pack", "--loglevel=error", "--pack-destination", packs], PACKAGES[name]);
      run("npx", ["-y", "pnpm@10", "pack", "--pack-destination", pnpmPacks], PACKAGES[name]);
    }
    const files = readdirSync(packs).filter((f) => f.endsWith(".tgz"));
    for (const name of NAMES) {
      const file = files.find((f) => f.startsWith(name.replace("@", "").replace("/", "-") + "-"))!;
      tarballs[name] = listing(join(packs, file));
      pnpmTarballs[name] = listing(join(pnpmPacks, file));
      manifests[name] = [join(packs, file), join(pnpmPacks, file)].map((tgz) =>
        JSON.parse(run("tar", ["xzf", tgz, "-O", "package/package.json"], project)),
      );
    }
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }),
    );
    run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline", // zeromq's pinned version from npm's cache when it is there
        "--loglevel=error",
        ...files.map((f) => `./packs/${f}`),
      ],
      project,
      INSTALL_MS,
    );
    for (const file of ["consumer.mjs", "consumer.cjs"]) {
      copyFileSync(join(__dirname, "packed", file), join(project, file));
    }
    writeFileSync(join(project, "consumer-ts.mts"), importEveryName() + "\n" + TS_CONSUMER);
  },
  INSTALL_MS + 4 * RUN_MS,
);

afterAll(() => {
  if (project !== undefined) rmSync(project, { recursive: true, force: true });
});

/** The JSON line a consumer printed. */
function consume(file: string): Record<string, unknown> {
  return JSON.parse(run(process.execPath, [file], project).trim().split("\n").at(-1)!);
}

const roundTrip = {
  selected: "ready",
  received: ["over the pump"],
  recvIsChannel: true,
};

const versionOf = (name: Name): string =>
  JSON.parse(readFileSync(join(PACKAGES[name], "package.json"), "utf8")).version;

const expectedExports = () =>
  Object.fromEntries(NAMES.map((name) => [name, exportsOf(name).values]));

describe("the packages packed and installed with npm", () => {
  it.each(NAMES)(
    "%s's tarball holds package.json, README.md, LICENSE and dist with declarations, nothing stale, no tests",
    (name) => {
      const files = tarballs[name]!;
      expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE"]));
      expect(files).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts"]));
      // Every module has its declarations next to it.
      const js = files.filter((f) => f.startsWith("dist/") && f.endsWith(".js"));
      expect(js.filter((f) => !files.includes(f.replace(/\.js$/, ".d.ts")))).toEqual([]);
      expect(files.filter((f) => /(^|\/)(test|tsconfig[^/]*\.json$)/.test(f))).toEqual([]);
      // Nothing stale: every built module comes from a source module that is there now.
      expect(
        js.filter((f) => !files.includes(f.replace(/^dist\//, "src/").replace(/\.js$/, ".ts"))),
      ).toEqual([]);
      const installed = (file: string) =>
        readFileSync(join(project, "node_modules", name, file), "utf8");
      expect(installed("LICENSE")).toBe(readFileSync(join(ROOT, "LICENSE"), "utf8"));
      // What a registry page shows, and no `workspace:` range npm could not install.
      const manifest = JSON.parse(installed("package.json"));
      expect(manifest).toMatchObject({
        license: "MIT",
        repository: { type: "git", directory: expect.stringMatching(/^packages\//) },
        engines: { node: ">=20" },
        sideEffects: false,
      });
      expect(manifest.keywords.length).toBeGreaterThan(3);
      expect(JSON.stringify(manifest.dependencies ?? {})).not.toMatch(/workspace:/);
      if (name === "@sluice/zmq-channels") {
        // A range, not one exact version: a user who also installs a newer @sluice/channels
        // gets one copy that serves both, not two (whose Channels the other does not know).
        const own = JSON.parse(
          readFileSync(join(PACKAGES["@sluice/channels"], "package.json"), "utf8"),
        );
        expect(manifest.dependencies["@sluice/channels"]).toBe(`^${own.version}`);
      }
    },
  );

  // scripts/pack-native.js (P41): the addon the build made travels as a prebuild, and the
  // installed package, which has no local build, loads it: a user's `new Pump()` (no
  // SLUICE_ENGINE, which the test run may set) runs on it (P42).
  const BUILT = existsSync(
    join(PACKAGES["@sluice/zmq-channels"], "build", "Release", "sluice.node"),
  );
  const PREBUILD = `prebuilds/${process.platform}-${process.arch}/node.napi.node`;

  (BUILT ? it : it.skip)(
    "carries the native engine as a prebuild, and the installed package's new Pump() runs on it",
    () => {
      expect(tarballs["@sluice/zmq-channels"]).toContain(PREBUILD);
      expect(existsSync(join(PACKAGES["@sluice/zmq-channels"], "prebuilds"))).toBe(false);
      const script = `delete process.env.SLUICE_ENGINE;
        const { Pump } = require("@sluice/zmq-channels");
        (async () => {
          const pump = new Pump();
          const pull = await pump.socket("pull", { bind: "inproc://packed" });
          const push = await pump.socket("push", { connect: "inproc://packed" });
          await push.send.put("native");
          const [frame] = await pull.recv.take();
          await pump.close();
          console.log(JSON.stringify({ engine: pump.engine, received: String(frame) }));
        })();`;
      const out = run(process.execPath, ["-e", script], project).trim().split("\n").at(-1)!;
      expect(JSON.parse(out)).toEqual({ engine: "native", received: "native" });
    },
    RUN_MS,
  );

  // A user may pack with either tool: npm leaves the manifest as it is, pnpm rewrites any
  // `workspace:` range, so the two agree only while the manifests name plain ranges (K9).
  it.each(NAMES)("%s packs the same with npm pack as with pnpm pack", (name) => {
    expect(tarballs[name]).toEqual(pnpmTarballs[name]);
    // (pnpm drops the prepack/postpack scripts, which only packing runs)
    const [npm, pnpm] = manifests[name]!.map(({ scripts: _, ...rest }) => rest);
    expect(npm).toEqual(pnpm);
  });

  it("installs one copy of @sluice/channels, shared by @sluice/zmq-channels", () => {
    const nested = join(project, "node_modules", "@sluice", "zmq-channels", "node_modules");
    expect(() => readdirSync(join(nested, "@sluice"))).toThrow(/ENOENT/);
  });

  it(
    "an ES module with named imports selects, sends PUSH→PULL over a pump, and sees every export",
    () => {
      const sorted = (o: Record<string, string[]>) =>
        Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v].sort()]));
      const got = consume("consumer.mjs");
      expect({ ...got, exports: sorted(got.exports as Record<string, string[]>) }).toEqual({
        ...roundTrip,
        exports: expectedExports(),
      });
    },
    RUN_MS,
  );

  it(
    "a CommonJS script with require() does the same and sees every export",
    () => {
      const got = consume("consumer.cjs");
      const exports = got.exports as Record<string, string[]>;
      expect({
        ...got,
        exports: Object.fromEntries(NAMES.map((n) => [n, [...exports[n]!].sort()])),
      }).toEqual({ ...roundTrip, versions: NAMES.map(versionOf), exports: expectedExports() });
    },
    RUN_MS,
  );

  it(
    "TypeScript under moduleResolution node16 type-checks every export, compiles and runs",
    () => {
      writeFileSync(join(project, "tsconfig.json"), JSON.stringify(tsconfig("node16")));
      run(process.execPath, [TSC, "-p", "tsconfig.json"], project);
      expect(consume(join("out-node16", "consumer-ts.mjs"))).toEqual(roundTrip);
    },
    RUN_MS,
  );

  it(
    "TypeScript under moduleResolution bundler type-checks every export",
    () => {
      writeFileSync(join(project, "tsconfig.json"), JSON.stringify(tsconfig("bundler")));
      expect(run(process.execPath, [TSC, "-p", "tsconfig.json"], project)).toBe("");
    },
    RUN_MS,
  );
});

// scripts/check-built.js, each package's prepack: no tarball without its built modules.
describe("packing a package that was not built", () => {
  it("fails, naming what dist/ lacks and the command that builds it", () => {
    const pkg = mkdtempSync(join(tmpdir(), "sluice-unbuilt-"));
    try {
      writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@sluice/example" }));
      mkdirSync(join(pkg, "src", "ops"), { recursive: true });
      writeFileSync(join(pkg, "src", "index.ts"), "export {};\n");
      writeFileSync(join(pkg, "src", "ops", "pipe.ts"), "export {};\n");
      mkdirSync(join(pkg, "dist"));
      writeFileSync(join(pkg, "dist", "index.js"), "");
      const check = () =>
        spawnSync(process.execPath, [join(ROOT, "scripts", "check-built.js")], {
          cwd: pkg,
          encoding: "utf8",
          timeout: RUN_MS,
        });
      const unbuilt = check();
      expect(unbuilt.status).toBe(1);
      expect(unbuilt.stderr).toContain(
        `@sluice/example: not packed: dist/ lacks 1 built module(s) (${join("dist", "ops", "pipe.js")})`,
      );
      expect(unbuilt.stderr).toContain("npx -y pnpm@10 build");
      mkdirSync(join(pkg, "dist", "ops"));
      writeFileSync(join(pkg, "dist", "ops", "pipe.js"), "");
      expect(check()).toMatchObject({ status: 0, stderr: "" });
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});
