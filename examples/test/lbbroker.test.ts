// lbbroker, every part in one process; then each part against the guide's other parts, as
// lbbroker.py writes them (peers/lbbroker.py, pyzmq), on its bytes both ways: READY and OK
// from the workers, HELLO from the clients.
import * as zmq from "zeromq";
import { main } from "../src/lbbroker";
import { WAIT_MS, exitOf, inProcess, python, pythonCase, stopAll, times, track } from "./programs";

const withPython = pythonCase();
const BROKER =
  /^listening on (tcp:\/\/127\.0\.0\.1:\d+) \(clients\) and (tcp:\/\/127\.0\.0\.1:\d+) \(workers\)$/;
const PY_BROKER = /^listening on (tcp:\/\/127\.0\.0\.1:\d+) (tcp:\/\/127\.0\.0\.1:\d+)$/;

afterEach(stopAll);

describe("lbbroker (ROUTER/ROUTER load balancing)", () => {
  it("answers every request, and never hands out more work than there are free workers", async () => {
    const result = await main({ clients: 6, requests: 5, workers: 2 });
    if (result.role !== "all") throw new Error(`ran as ${result.role}`);
    result.replies.forEach((replies, c) => {
      expect(replies).toHaveLength(5);
      replies.forEach((reply, r) =>
        expect(reply).toMatch(new RegExp(`^client-${c}:${r} handled by worker-[01]$`)),
      );
    });
    expect([...result.handled.values()].reduce((a, b) => a + b, 0)).toBe(30);
    expect(result.maxBusy).toBeGreaterThanOrEqual(1);
    expect(result.maxBusy).toBeLessThanOrEqual(2);
  });
});

describe("lbbroker --broker", () => {
  const broker = () =>
    inProcess(
      main,
      { broker: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*" },
      "lbbroker --broker",
    );

  withPython("serves lbbroker.py's workers and clients", async () => {
    const role = broker();
    const [, frontend, backend] = await role.out.match(BROKER);
    const workers = times(2, (w) => python("lbbroker.py", ["worker", backend!, `Worker-${w}`]));
    const clients = times(4, (c) => python("lbbroker.py", ["client", frontend!, `Client-${c}`]));
    for (const [c, client] of clients.entries()) {
      expect(await exitOf(client)).toMatchObject({ code: 0, stdout: `Client-${c}: OK` });
    }
    role.stop();
    expect(await role.result()).toEqual({ role: "broker", brokered: 4 });
    for (const w of workers) w.child.kill("SIGTERM");
    const handled = (await Promise.all(workers.map((w) => w.out.all()))).flat();
    expect(handled).toHaveLength(4);
    for (const line of handled) expect(line).toMatch(/^Worker-[01]: HELLO$/);
  });

  it("takes a worker's shorter hello as ready and never passes it on (Simple Pirate's \\x01)", async () => {
    const role = broker();
    const [, frontend, backend] = await role.out.match(BROKER);
    // The guide's spworker.py says "\x01" where lbbroker's workers say READY.
    const worker = track(new zmq.Request({ linger: 0, receiveTimeout: WAIT_MS }));
    worker.connect(backend!);
    await worker.send("\x01");
    const client = track(new zmq.Request({ linger: 0, receiveTimeout: WAIT_MS }));
    client.connect(frontend!);
    await client.send("HELLO");
    const [address, empty, request] = await worker.receive();
    expect([empty!.length, request!.toString()]).toEqual([0, "HELLO"]);
    await worker.send([address!, "", "OK"]);
    expect((await client.receive()).map(String)).toEqual(["OK"]);
    role.stop();
    expect(await role.result()).toEqual({ role: "broker", brokered: 1 });
  });
});

describe("lbbroker --worker and --client", () => {
  withPython("work with lbbroker.py's broker", async () => {
    const broker = python("lbbroker.py", ["broker", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", "6"]);
    const [, frontend, backend] = await broker.out.match(PY_BROKER);
    const workers = times(2, (w) =>
      inProcess(main, { worker: backend!, identity: `Worker-${w}` }, `lbbroker --worker ${w}`),
    );
    const clients = times(3, (c) =>
      inProcess(
        main,
        { client: frontend!, identity: `Client-${c}`, count: 2 },
        `lbbroker --client ${c}`,
      ),
    );
    for (const [c, client] of clients.entries()) {
      expect(await client.result()).toEqual({ role: "client", replies: ["OK", "OK"] });
      expect(await client.out.all()).toEqual([`Client-${c}: OK`, `Client-${c}: OK`]);
    }
    expect((await exitOf(broker)).code).toBe(0); // it exits after 6 replies
    for (const w of workers) w.stop();
    const requests = await Promise.all(workers.map((w) => w.result()));
    const all = requests.flatMap((r) => (r.role === "worker" ? r.requests : []));
    expect(all).toEqual(times(6, () => "HELLO"));
  });

  it("refuses a broker without --backend, and a flag of another role, naming them", async () => {
    await expect(main({ broker: "tcp://127.0.0.1:*" })).rejects.toThrow(
      /--backend needs an endpoint/,
    );
    await expect(
      main({ client: "tcp://127.0.0.1:5555", backend: "tcp://127.0.0.1:*" }),
    ).rejects.toThrow(/--backend is not used with --client/);
  });
});
