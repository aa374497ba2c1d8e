// The examples as command-line programs: every one answers --help (exit 0) and refuses an
// unknown flag (exit 2); readFlags reads flags with util.parseArgs as parseFlags used to.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { helpText, readFlags, type Program } from "../src/cli";
import { program as asyncsrv } from "../src/asyncsrv";
import { program as basics } from "../src/basics";
import { program as demo } from "../src/demo";
import { program as devices } from "../src/devices";
import { program as hello } from "../src/hello";
import { program as ironhouse } from "../src/ironhouse";
import { program as lbbroker } from "../src/lbbroker";
import { program as pipeline } from "../src/pipeline";
import { USAGE as majordomo } from "../src/majordomo";
import { USAGE as pipelineWorker } from "../src/pipeline-worker";
import { program as pirate } from "../src/pirate";
import { program as reqrep } from "../src/reqrep";
import { program as selectMany } from "../src/select-many";
import { USAGE as guideRegions } from "../src/tools/guide-regions";
import { program as weather } from "../src/weather";
import { example, exitOf, stopAll } from "./programs";

afterEach(stopAll);

const SRC = join(__dirname, "..", "src");
const DIST = join(__dirname, "..", "dist");

/** Every example program that reads flags through runAsProgram, by file name. */
const PROGRAMS: Record<string, Program<any>> = {
  asyncsrv,
  basics,
  demo,
  devices,
  hello,
  ironhouse,
  lbbroker,
  pipeline,
  pirate,
  reqrep,
  "select-many": selectMany,
  weather,
};
/** The programs with a command line of their own: what --help prints. */
const OWN_USAGE: Record<string, string> = {
  majordomo,
  "pipeline-worker": pipelineWorker,
  "tools/guide-regions": guideRegions,
};

describe("the examples as programs", () => {
  it("covers every file in examples/src that runs as a program", () => {
    const sources = ["", "tools/"].flatMap((dir) =>
      readdirSync(join(SRC, dir))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => `${dir}${f}`),
    );
    // A program: its file runs something when it is the main module.
    const runs = /require\.main === module|runAsProgram\(module,/;
    const programs = sources
      .filter((f) => runs.test(readFileSync(join(SRC, f), "utf8")))
      .map((f) => f.replace(/\.ts$/, ""));
    expect(programs.sort()).toEqual([...Object.keys(PROGRAMS), ...Object.keys(OWN_USAGE)].sort());
  });

  it.each(Object.keys(PROGRAMS))(
    "%s --help lists every flag and role, runs nothing and exits 0",
    async (name) => {
      const program = PROGRAMS[name]!;
      const run = await exitOf(example(name, ["--help"]));
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(run.stdout).toBe(helpText(join(DIST, `${name}.js`), program));
      expect(run.stdout).toMatch(new RegExp(`^usage: node \\S*${name}\\.js`));
      for (const flag of [...Object.keys(program.flags), "help"]) {
        expect(run.stdout).toMatch(new RegExp(`^  --${flag}\\b`, "m"));
      }
      for (const role of Object.keys(program.roles ?? {}).filter((r) => r !== "")) {
        expect(run.stdout).toMatch(new RegExp(`^  --${role} <endpoint> +reads `, "m"));
      }
    },
  );

  it.each(Object.keys(OWN_USAGE))("%s --help prints its usage and exits 0", async (name) => {
    const run = await exitOf(example(name, ["-h"]));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe(OWN_USAGE[name]);
  });

  it.each([...Object.keys(PROGRAMS), ...Object.keys(OWN_USAGE)])(
    "%s refuses an unknown flag with exit code 2, naming it, and runs nothing",
    async (name) => {
      const run = await exitOf(example(name, ["--nope"]));
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toMatch(/^(unknown flag "--nope"|Unknown option '--nope')/);
    },
  );
});

describe("readFlags", () => {
  const known = ["count", "serve", "filter"];

  it("reads numbers as numbers, except the flags kept as text", () => {
    expect(readFlags(["--count", "5", "--filter", "01234"], known, ["filter"])).toEqual({
      count: 5,
      filter: "01234",
    });
    expect(readFlags(["--count=7", "--serve", "tcp://127.0.0.1:*"], known)).toEqual({
      count: 7,
      serve: "tcp://127.0.0.1:*",
    });
  });

  it("reads a flag alone as true, at the end or before the next flag", () => {
    expect(readFlags(["--serve"], known)).toEqual({ serve: true });
    expect(readFlags(["--serve", "--count", "5"], known)).toEqual({ serve: true, count: 5 });
  });

  it("passes a value that starts with a dash on, for the example to judge", () => {
    expect(readFlags(["--count", "-1"], known)).toEqual({ count: -1 });
  });

  it("answers help for --help or -h wherever it is", () => {
    expect(readFlags(["--help"], known)).toBe("help");
    expect(readFlags(["--count", "5", "-h"], known)).toBe("help");
    expect(readFlags(["--serve", "--help"], known)).toBe("help");
  });

  it("refuses an unknown flag, naming the ones there are, and a bare argument", () => {
    expect(() => readFlags(["--server", "x"], known)).toThrow(
      'unknown flag "--server": this example takes --count, --serve, --filter',
    );
    expect(() => readFlags(["-x"], [])).toThrow('unknown flag "-x": this example takes no flags');
    expect(() => readFlags(["5"], known)).toThrow('unexpected argument "5"');
    expect(() => readFlags(["--count", "5", "6"], known)).toThrow('unexpected argument "6"');
  });
});
