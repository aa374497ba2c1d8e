import { main } from "../src/devices";

describe("devices (queue device and forwarder as pipes, capture with mult)", () => {
  it("answers every request through the queue device and captures each one", async () => {
    const result = await main({ clients: 3, requests: 4, workers: 2, updates: 10 });
    const requests = [0, 1, 2].flatMap((c) => [0, 1, 2, 3].map((r) => `client-${c}:${r}`));
    expect(result.replies.flat()).toEqual(requests.map((r) => `${r} done`));
    expect([...result.capturedRequests].sort()).toEqual([...requests].sort());
  });

  it("forwards the subscribed topic only, and the capture sees exactly what went through", async () => {
    const result = await main({ clients: 1, requests: 1, workers: 1, updates: 10 });
    const news = Array.from({ length: 10 }, (_, u) => `news ${u}`);
    expect(result.received).toEqual(news);
    expect(result.capturedUpdates).toEqual(news);
  });
});
