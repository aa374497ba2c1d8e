import { main } from "../src/pirate";

describe("pirate (heartbeats and reconnection)", () => {
  it("serves requests before and after the queue dies, the worker having reconnected", async () => {
    const result = await main({ requests: 3, heartbeatMs: 40 });
    expect(result.replies).toEqual([
      "before 0 ok",
      "before 1 ok",
      "before 2 ok",
      "after 0 ok",
      "after 1 ok",
      "after 2 ok",
    ]);
    expect(result.reconnects).toBeGreaterThanOrEqual(1);
  });
});
