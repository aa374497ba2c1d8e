// select-many, the many sockets in one process; then --pull/--subscribe, the guide's mspoller,
// against a ventilator's PUSH (a plain zeromq.js socket) and wuserver.py's updates (pyzmq) or
// a zeromq.js PUB, on the guide's bytes.
import * as zmq from "zeromq";
import { main, type MspollerResult, type SelectManyResult } from "../src/select-many";
import { LISTENING, inProcess, python, pythonCase, stopAll, track } from "./programs";

const withPython = pythonCase();

afterEach(stopAll);

describe("select-many (one select over hundreds of sockets and a heartbeat)", () => {
  it("takes every message from the socket it was sent to, and beats during the quiet spell", async () => {
    const result = (await main({
      sockets: 200,
      messages: 4,
      heartbeatMs: 20,
    })) as SelectManyResult;
    expect(result.perSocket).toEqual(new Array(200).fill(4));
    expect(result.crossed).toBe(0);
    expect(result.heartbeats).toBeGreaterThanOrEqual(1);
  });
});

describe("select-many --pull --subscribe (mspoller)", () => {
  // A ventilator's tasks, queued before mspoller connects: a PUSH holds them for its first peer.
  const ventilator = async () => {
    const push = track(new zmq.Push({ linger: 0 }));
    await push.bind("tcp://127.0.0.1:*");
    return push;
  };
  const poller = (pull: string, subscribe: string) =>
    inProcess(main, { pull, subscribe, filter: "1" }, "select-many --pull");

  const check = async (role: ReturnType<typeof poller>, push: zmq.Push) => {
    const sent = (async () => {
      for (let i = 0; i < 5; i++) await push.send(String(i));
    })();
    for (let i = 0; i < 5; i++) await role.out.match(new RegExp(`^task: ${i}$`));
    await role.out.match(/^weather: 1\d{4} /);
    await sent;
    role.stop();
    const result = (await role.result()) as MspollerResult;
    expect(result.tasks).toEqual(["0", "1", "2", "3", "4"]);
    expect(result.updates.length).toBeGreaterThan(0);
    for (const u of result.updates) expect(u).toMatch(/^1\d{4} -?\d+ \d+$/);
  };

  withPython("takes a ventilator's tasks and wuserver.py's updates for its topic", async () => {
    const server = python("wuserver.py", ["tcp://127.0.0.1:*", "30"]);
    const [, weather] = await server.out.match(LISTENING);
    const push = await ventilator();
    await check(poller(push.lastEndpoint!, weather!), push);
  });

  it("takes a ventilator's tasks and a PUB's updates for its topic, and nothing else", async () => {
    const pub = track(new zmq.Publisher({ linger: 0 }));
    await pub.bind("tcp://127.0.0.1:*");
    const publishing = setInterval(() => {
      for (const zip of ["10001", "20002", "12345"]) void pub.send(`${zip} 70 40`).catch(() => {});
    }, 5);
    try {
      const push = await ventilator();
      await check(poller(push.lastEndpoint!, pub.lastEndpoint!), push);
    } finally {
      clearInterval(publishing);
    }
  });

  it("refuses --pull without --subscribe, and --count without --pull, naming the flag", async () => {
    await expect(main({ pull: "tcp://127.0.0.1:5557" })).rejects.toThrow(
      /--subscribe needs an endpoint/,
    );
    await expect(main({ count: 3 })).rejects.toThrow(/--count is not used without a role flag/);
  });
});
