import { main } from "../src/lbbroker";

describe("lbbroker (ROUTER/ROUTER load balancing)", () => {
  it("answers every request, and never hands out more work than there are free workers", async () => {
    const result = await main({ clients: 6, requests: 5, workers: 2 });
    result.replies.forEach((replies, c) => {
      expect(replies).toHaveLength(5);
      replies.forEach((reply, r) =>
        expect(reply).toMatch(new RegExp(`^client-${c}:${r} handled by worker-[01]$`)),
      );
    });
    expect([...result.handled.values()].reduce((a, b) => a + b, 0)).toBe(30);
    expect(result.maxBusy).toBeGreaterThanOrEqual(1);
    expect(result.maxBusy).toBeLessThanOrEqual(2);
  });
});
