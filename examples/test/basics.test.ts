import { main } from "../src/basics";

describe("basics (channels without sockets)", () => {
  it("shows put/take, select, timeout, buffers and composition doing what the guide says", async () => {
    expect(await main()).toEqual({
      taken: [1, 2, 3],
      firstReady: "fast",
      timedOut: true,
      latest: [3, 4],
      squares: [1, 4, 9, 16, 25],
      doubled: [2, 4, 6],
      answer: 42,
    });
  });
});
