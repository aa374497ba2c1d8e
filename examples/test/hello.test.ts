import { main } from "../src/hello";

describe("hello (REQ/REP)", () => {
  it("answers every request in order, with the easy interface and with register()", async () => {
    const { easy, registered } = await main({ count: 4 });
    const expected = [0, 1, 2, 3].map((i) => `World (re: Hello ${i})`);
    expect(easy).toEqual(expected);
    expect(registered).toEqual(expected);
  });
});
