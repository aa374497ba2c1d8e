import { main } from "../src/asyncsrv";

describe("asyncsrv (DEALER clients, ROUTER/DEALER server, full duplex)", () => {
  it("gets every reply to every request back to the client socket that sent it", async () => {
    const reports = await main({ clients: 3, tasks: 4, requests: 5, workers: 3 });
    expect(reports).toHaveLength(3);
    for (const report of reports) {
      expect(report.misrouted).toBe(0);
      expect(report.sent).toBe(20);
      expect(report.replies.size).toBe(20);
      for (const [id, { asked, received }] of report.replies) {
        expect({ id, received }).toEqual({ id, received: asked });
      }
    }
  });
});
