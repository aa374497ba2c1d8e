// reqrep: requester() and serve() as the guide's chapter shows them.
import { main } from "../src/reqrep";

describe("reqrep (requester and serve)", () => {
  it("gives each of 100 requests from 10 tasks its own reply, 4 handlers at a time", async () => {
    const result = await main({ tasks: 10, requests: 10 });
    expect(result).toEqual({
      own: 100,
      mismatched: 0,
      mostAtOnce: 4,
      slow: "TimeoutError: request(): no reply within 50 ms (each of 2 tries)",
      aborted: "Error: changed my mind",
      failed: "TimeoutError: request(): no reply within 100 ms (1 try)",
      handlerError: "EHANDLER: cannot do that",
      overReq: "done: 9.9",
    });
  });
});
