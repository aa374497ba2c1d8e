// One jest run for the whole workspace. ts-jest only transpiles (isolatedModules):
// type errors are caught by `pnpm build`/`pnpm typecheck`, which the test command runs first.
const path = require("node:path");

const tsJest = ["ts-jest", { tsconfig: path.join(__dirname, "tsconfig.jest.json") }];

// Tests import the packages by name, mapped to their sources, so a test run needs no build
// and there is exactly one copy of the Channel class in play.
const moduleNameMapper = {
  // Absolute, so that projects at any depth (examples/, bench/) resolve the same sources.
  "^@sluice/channels$": path.join(__dirname, "packages/channels/src/index.ts"),
  "^@sluice/zmq-channels$": path.join(__dirname, "packages/zmq-channels/src/index.ts"),
};

function project(dir, extra = {}) {
  return {
    displayName: dir,
    rootDir: path.join(__dirname, dir),
    testEnvironment: "node",
    transform: { "^.+\\.ts$": tsJest },
    moduleNameMapper,
    testMatch: ["<rootDir>/test/**/*.test.ts"],
    ...extra,
  };
}

// The pump's suite runs once per engine: as "auto" chooses (native when the build made it), and
// then, if it did, again on the zeromq.js engine (SLUICE_ENGINE, set in each test process by
// zeromq-engine.setup.js). Without a native build "auto" is zeromq.js and one run covers it.
const nativeBuilt = require("node:fs").existsSync(
  path.join(__dirname, "packages/zmq-channels/build/Release/sluice.node"),
);

module.exports = {
  projects: [
    project("packages/channels"),
    project("packages/zmq-channels"),
    ...(nativeBuilt
      ? [
          project("packages/zmq-channels", {
            displayName: "packages/zmq-channels (zeromq.js engine)",
            setupFiles: [path.join(__dirname, ".ci/zeromq-engine.setup.js")],
          }),
        ]
      : []),
    // The examples' ipc files: jest's `process` never emits "exit" to the handler cli.ts sets.
    project("examples", { setupFilesAfterEnv: ["<rootDir>/test/setup.ts"] }),
    project("bench"),
  ].filter((p) => require("node:fs").existsSync(path.join(p.rootDir, "test"))),
  testTimeout: 30000,
  // CI asks for the counts in a file (.ci/run): the README's test command stays as written.
  reporters: process.env.SLUICE_TEST_COUNTS
    ? [
        "default",
        [path.join(__dirname, ".ci/count-reporter.js"), { file: process.env.SLUICE_TEST_COUNTS }],
      ]
    : ["default"],
};
