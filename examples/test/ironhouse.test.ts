import { main } from "../src/ironhouse";

describe("ironhouse (CURVE, only known client keys let in by pump.zap())", () => {
  it("delivers to the known client and nothing to the stranger, whose handshake was denied", async () => {
    const result = await main({ messages: 3 });
    expect(result.received).toEqual([0, 1, 2].map((i) => `Security is not a state of mind ${i}`));
    expect(result.strangerReceived).toEqual([]);
    expect(result.decisions).toContainEqual(["allowed", "CURVE"]);
    expect(result.decisions).toContainEqual(["denied", "CURVE"]);
  });
});
