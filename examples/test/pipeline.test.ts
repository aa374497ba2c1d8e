import { main } from "../src/pipeline";

// The workers are child processes running the compiled examples (examples/dist); the test
// command builds first. main() waits for every child to exit, and kills them if it fails.
describe("pipeline (PUSH/PULL, workers as processes)", () => {
  it.each(["tcp", "ipc"] as const)(
    "squares 1..n across worker processes over %s; the sink sums them",
    async (transport) => {
      const tasks = 60;
      const result = await main({ workers: 3, tasks, transport });
      expect(result.sum).toBe((tasks * (tasks + 1) * (2 * tasks + 1)) / 6);
      expect(result.perWorker.reduce((a, b) => a + b, 0)).toBe(tasks);
      expect(result.exitCodes).toEqual([0, 0, 0]);
    },
  );
});
