import { main } from "../src/weather";

describe("weather (PUB/SUB with topic filters)", () => {
  it("delivers every update for a subscriber's zip code and nothing else, slow joiners included", async () => {
    const { averages, sent, strays } = await main({ subscribers: 3, updates: 40 });
    expect(strays).toEqual([]);
    expect([...averages.keys()].sort()).toEqual(["10001", "10002", "10003"]);
    // Each subscriber read exactly `updates` messages; equal averages mean it read the right ones.
    for (const [zip, average] of averages) expect(average).toBeCloseTo(sent.get(zip)!, 10);
  });
});
