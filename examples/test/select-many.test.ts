import { main } from "../src/select-many";

describe("select-many (one select over hundreds of sockets and a heartbeat)", () => {
  it("takes every message from the socket it was sent to, and beats during the quiet spell", async () => {
    const result = await main({ sockets: 200, messages: 4, heartbeatMs: 20 });
    expect(result.perSocket).toEqual(new Array(200).fill(4));
    expect(result.crossed).toBe(0);
    expect(result.heartbeats).toBeGreaterThanOrEqual(1);
  });
});
