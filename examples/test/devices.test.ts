// devices, both in one process; then each device alone between the guide's programs (pyzmq):
// the queue between rrclient.py and rrworker.py (msgqueue), the forwarder between wuserver.py
// and wuclient.py (wuproxy).
import { main, type DevicesResult } from "../src/devices";
import { LISTENING, exitOf, inProcess, python, pythonCase, stopAll, times } from "./programs";

const withPython = pythonCase();
const TWO = /^listening on (tcp:\/\/127\.0\.0\.1:\d+) and (tcp:\/\/127\.0\.0\.1:\d+)$/;
const both = async (run: ReturnType<typeof main>) => (await run) as DevicesResult;

afterEach(stopAll);

describe("devices (queue device and forwarder as pipes, capture with mult)", () => {
  it("answers every request through the queue device and captures each one", async () => {
    const result = await both(main({ clients: 3, requests: 4, workers: 2, updates: 10 }));
    const requests = [0, 1, 2].flatMap((c) => [0, 1, 2, 3].map((r) => `client-${c}:${r}`));
    expect(result.replies.flat()).toEqual(requests.map((r) => `${r} done`));
    expect([...result.capturedRequests].sort()).toEqual([...requests].sort());
  });

  it("forwards the subscribed topic only, and the capture sees exactly what went through", async () => {
    const result = await both(main({ clients: 1, requests: 1, workers: 1, updates: 10 }));
    const news = Array.from({ length: 10 }, (_, u) => `news ${u}`);
    expect(result.received).toEqual(news);
    expect(result.capturedUpdates).toEqual(news);
  });
});

describe("devices --queue (msgqueue)", () => {
  withPython("passes rrclient.py's requests to rrworker.py and back, capturing each", async () => {
    const device = inProcess(
      main,
      { queue: "tcp://127.0.0.1:*", backend: "tcp://127.0.0.1:*" },
      "devices --queue",
    );
    const [, frontend, backend] = await device.out.match(TWO);
    const workers = times(2, () => python("rrworker.py", [backend!]));
    const client = python("rrclient.py", [frontend!, "6"]);
    expect(await exitOf(client)).toMatchObject({
      code: 0,
      stdout: times(6, (i) => `Received reply ${i} [World]`).join("\n"),
    });
    device.stop();
    expect(await device.result()).toEqual({ role: "queue", captured: 6 });
    expect((await device.out.all()).slice(1)).toEqual(times(6, () => "captured: Hello"));
    for (const w of workers) w.child.kill("SIGTERM");
    const handled = (await Promise.all(workers.map((w) => w.out.all()))).flat();
    expect(handled).toEqual(times(6, () => "Received request: Hello"));
  });
});

describe("devices --forwarder (wuproxy)", () => {
  withPython("passes wuserver.py's updates to wuclient.py, and its subscription up", async () => {
    const server = python("wuserver.py", ["tcp://127.0.0.1:*", "30"]);
    const [, publisher] = await server.out.match(LISTENING);
    const device = inProcess(
      main,
      { forwarder: publisher!, publish: "tcp://127.0.0.1:*" },
      "devices --forwarder",
    );
    const [, subscribers] = await device.out.match(LISTENING);
    const client = python("wuclient.py", [subscribers!, "1", "20"]);
    const { code, stdout } = await exitOf(client);
    expect(code).toBe(0);
    const updates = stdout.split("\n").filter((l) => l.startsWith("update "));
    expect(updates).toHaveLength(20);
    for (const u of updates) expect(u).toMatch(/^update b'1\d{4} -?\d+ \d+'$/);
    device.stop();
    const run = await device.result();
    // Only what the subscription asked for came through: the publisher filtered at source.
    const captured = (await device.out.all()).slice(1);
    expect(run).toEqual({ role: "forwarder", captured: captured.length });
    for (const line of captured) expect(line).toMatch(/^captured: 1\d{4} -?\d+ \d+$/);
  });

  it("refuses a device without its second endpoint, naming the flag", async () => {
    await expect(main({ queue: "tcp://127.0.0.1:*" })).rejects.toThrow(
      /--backend needs an endpoint/,
    );
    await expect(
      main({ forwarder: "tcp://127.0.0.1:*", publish: "tcp://127.0.0.1:*" }),
    ).rejects.toThrow(/--forwarder needs the address to connect to/);
  });
});
