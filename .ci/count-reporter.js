// A jest reporter for CI: writes jest's own result counts to the file named by the
// SLUICE_TEST_COUNTS environment variable, so .ci/run can print "N passed, N failed"
// while running the README's test command exactly as written.
const fs = require("node:fs");

class CountReporter {
  constructor(_globalConfig, options) {
    this.file = options.file;
  }

  onRunComplete(_contexts, results) {
    fs.writeFileSync(
      this.file,
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        pending: results.numPendingTests,
        total: results.numTotalTests,
        brokenSuites: results.numRuntimeErrorTestSuites,
      }),
    );
  }
}

module.exports = CountReporter;
