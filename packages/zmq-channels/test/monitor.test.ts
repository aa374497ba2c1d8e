// pump.events(): monitor events as channels — here, reconnection as zeromq reports it.
import { Pump } from "@sluice/zmq-channels";
import { takeWithin } from "./helpers";

let pump: Pump;
beforeEach(() => {
  pump = new Pump();
});
afterEach(() => pump.close());

describe("pump.events()", () => {
  it("reports each reconnection try with its interval, doubling from reconnectInterval up to reconnectMaxInterval", async () => {
    // A port nobody listens on: bound, then unbound.
    const gone = await pump.socket("pull", {});
    const endpoint = await gone.bind("tcp://127.0.0.1:*");
    await gone.unbind(endpoint);
    const dealer = await pump.socket("dealer", {
      options: { reconnectInterval: 50, reconnectMaxInterval: 200 },
    });
    const events = pump.events(dealer);
    await dealer.connect(endpoint);
    const intervals: number[] = [];
    while (intervals.length < 5) {
      const e = await takeWithin(events, 3000, "a connect:retry event");
      if (e.type === "connect:retry") {
        expect(e.address).toBe(endpoint);
        intervals.push(e.interval);
      }
    }
    expect(intervals).toEqual([50, 100, 200, 200, 200]);
  });

  it("a reconnect option set at run time applies to the next connection", async () => {
    const gone = await pump.socket("pull", {});
    const endpoint = await gone.bind("tcp://127.0.0.1:*");
    await gone.unbind(endpoint);
    const dealer = await pump.socket("dealer", {});
    await dealer.set("reconnectInterval", 30);
    await dealer.set("reconnectMaxInterval", 60);
    expect(await dealer.get("reconnectInterval")).toBe(30);
    const events = pump.events(dealer);
    await dealer.connect(endpoint);
    const intervals: number[] = [];
    while (intervals.length < 3) {
      const e = await takeWithin(events, 3000, "a connect:retry event");
      if (e.type === "connect:retry") intervals.push(e.interval);
    }
    expect(intervals).toEqual([30, 60, 60]);
  });
});
