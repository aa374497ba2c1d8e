// weather, both sides in one process; then each role against the guide's other side, written
// as the guide writes it: wuclient.py/wuserver.py (pyzmq) and plain zeromq.js sockets. On the
// wire: one frame per update, C's "%05d %d %d" (zip code, temperature, relative humidity).
import * as zmq from "zeromq";
import { main } from "../src/weather";
import {
  WAIT_MS,
  example,
  exitOf,
  inProcess,
  python,
  LISTENING,
  pythonCase,
  stopAll,
  track,
} from "./programs";

const withPython = pythonCase();

afterEach(stopAll);

/** The guide's update, and its ranges: zip 0–99999 as 5 digits, −80..134 °F, 10..59 %. */
function expectUpdate(update: string, prefix = "") {
  const m = update.match(/^(\d{5}) (-?\d+) (\d+)$/);
  expect({ update, format: m !== null }).toEqual({ update, format: true });
  const [zipcode, temperature, humidity] = [m![1]!, Number(m![2]), Number(m![3])];
  expect({ update, prefix: zipcode.startsWith(prefix) }).toEqual({ update, prefix: true });
  expect({ update, temperature: temperature >= -80 && temperature <= 134 }).toEqual({
    update,
    temperature: true,
  });
  expect({ update, humidity: humidity >= 10 && humidity <= 59 }).toEqual({
    update,
    humidity: true,
  });
}

const mean = (updates: string[]) =>
  updates.reduce((sum, u) => sum + Number(u.split(" ")[1]), 0) / updates.length;

describe("weather (PUB/SUB with topic filters)", () => {
  it("delivers every update for a subscriber's zip code and nothing else, slow joiners included", async () => {
    const result = await main({ subscribers: 3, updates: 40 });
    if (result.role !== "both") throw new Error(`ran as ${result.role}`);
    const { averages, sent, strays } = result;
    expect(strays).toEqual([]);
    expect([...averages.keys()].sort()).toEqual(["10001", "10002", "10003"]);
    // Each subscriber read exactly `updates` messages; equal averages mean it read the right ones.
    for (const [zip, average] of averages) expect(average).toBeCloseTo(sent.get(zip)!, 10);
  });
});

describe("weather --publish (wuserver)", () => {
  const publish = (updates?: number) =>
    inProcess(main, { publish: "tcp://127.0.0.1:*", updates }, "weather --publish");

  withPython(
    "feeds wuclient.py the guide's updates, only for the prefix it subscribed",
    async () => {
      const publisher = publish();
      const [, endpoint] = await publisher.out.match(LISTENING);
      const client = python("wuclient.py", [endpoint!, "1", "50"]);

      expect((await exitOf(client)).code).toBe(0);
      const updates = client.out.seen
        .map((line) => line.match(/^update b'(.*)'$/)?.[1])
        .filter((u) => u !== undefined);
      expect(updates).toHaveLength(50);
      for (const update of updates) expectUpdate(update, "1");
      expect(client.out.seen).toContain(
        `Average temperature for zipcode '1' was ${Math.trunc(mean(updates))}F`,
      );

      publisher.stop();
      const result = await publisher.result();
      expect(result).toEqual({ role: "publisher", published: expect.any(Number) });
    },
  );

  it("feeds zeromq.js subscribers: every update in format and range, filtered by prefix", async () => {
    const publisher = publish();
    const [, endpoint] = await publisher.out.match(LISTENING);
    const all = track(new zmq.Subscriber({ linger: 0, receiveTimeout: WAIT_MS }));
    const some = track(new zmq.Subscriber({ linger: 0, receiveTimeout: WAIT_MS }));
    all.connect(endpoint!);
    all.subscribe();
    some.connect(endpoint!);
    some.subscribe("42");

    const everything: string[] = [];
    for (let n = 0; n < 2000; n++) everything.push((await all.receive()).join("|"));
    const filtered: string[] = [];
    for (let n = 0; n < 20; n++) filtered.push((await some.receive()).join("|"));
    publisher.stop();

    for (const update of everything) expectUpdate(update);
    for (const update of filtered) expectUpdate(update, "42");
    // Zip codes under 10000 arrive zero-padded, and temperatures go below zero (at 2000
    // random updates, missing either has a probability under 1e-90).
    expect(everything.some((u) => u.startsWith("0"))).toBe(true);
    expect(everything.some((u) => u.includes(" -"))).toBe(true);
    const result = await publisher.result();
    expect(result.role === "publisher" && result.published >= 2000).toBe(true);
  });

  it("with --updates publishes that many, then closes and resolves", async () => {
    const publisher = publish(500);
    expect(await publisher.result()).toEqual({ role: "publisher", published: 500 });
  });
});

describe("weather --subscribe (wuclient)", () => {
  const subscribe = (endpoint: string, opts: { filter?: string; updates?: number }) =>
    inProcess(main, { subscribe: endpoint, ...opts }, "weather --subscribe");

  withPython("averages what wuserver.py publishes for its prefix, and nothing else", async () => {
    const server = python("wuserver.py", ["tcp://127.0.0.1:*", "30"]);
    const [, endpoint] = await server.out.match(LISTENING);
    const client = subscribe(endpoint!, { filter: "1", updates: 50 });

    const result = await client.result();
    if (result.role !== "subscriber") throw new Error(`ran as ${result.role}`);
    expect(result.received).toBe(50);
    expect(result.updates).toHaveLength(50);
    for (const update of result.updates) expectUpdate(update, "1");
    expect(result.average).toBe(mean(result.updates));
    expect(await client.out.all()).toEqual([
      "Collecting updates from weather server...",
      `Average temperature for zipcode '1' was ${Math.trunc(result.average)}F`,
    ]);
  });

  it('subscribes to the guide\'s default "10001 " and gets exactly those updates from zeromq.js', async () => {
    const pub = track(new zmq.Publisher({ linger: 0 }));
    await pub.bind("tcp://127.0.0.1:*");
    const client = subscribe(pub.lastEndpoint!, { updates: 5 });
    // Publish until the subscriber has read its five: the first ones go nowhere (slow joiner).
    let done = false;
    const result = client.result().finally(() => (done = true));
    for (let n = 0; !done; n++) {
      for (const zip of ["10001", "10002", "20001", "01000", "00000"]) {
        await pub.send(`${zip} ${n % 10} ${10 + (n % 50)}`);
      }
      if (n % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }

    const got = await result;
    if (got.role !== "subscriber") throw new Error(`ran as ${got.role}`);
    expect(got.updates).toHaveLength(5);
    for (const update of got.updates) expect(update).toMatch(/^10001 \d \d\d$/);
    expect(got.average).toBe(mean(got.updates));
    expect((await client.out.all()).at(-1)).toBe(
      `Average temperature for zipcode '10001 ' was ${Math.trunc(got.average)}F`,
    );
  });

  it("without --updates listens until its signal, then closes and resolves", async () => {
    const pub = track(new zmq.Publisher({ linger: 0 }));
    await pub.bind("tcp://127.0.0.1:*");
    const client = subscribe(pub.lastEndpoint!, {});
    await client.out.match(/^Collecting updates/);
    client.stop();
    expect(await client.result()).toEqual({
      role: "subscriber",
      received: 0,
      average: NaN,
      updates: [],
    });
    expect((await client.out.all()).at(-1)).toBe("No updates for zipcode '10001 '");
  });
});

describe("weather as programs (examples/dist/weather.js)", () => {
  it("--publish prints its endpoint; --subscribe --updates exits 0; the publisher exits 0 on SIGTERM", async () => {
    const server = example("weather", ["--publish", "tcp://127.0.0.1:*"]);
    const [, endpoint] = await server.out.match(LISTENING);
    // A prefix with a leading zero stays text: "01", not the number 1.
    const client = example("weather", [
      "--subscribe",
      endpoint!,
      "--filter",
      "01",
      "--updates",
      "5",
    ]);

    const subscribed = await exitOf(client);
    expect(subscribed).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(subscribed.stdout).toMatch(
      /^Collecting updates from weather server\.\.\.\nAverage temperature for zipcode '01' was -?\d+F$/,
    );
    server.child.kill("SIGTERM");
    const published = await exitOf(server);
    expect(published).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(published.stdout).toMatch(/^listening on \S+\npublished \d+ updates$/);
  });

  it.each([
    [["--publish"], /^--publish needs an endpoint .*, got nothing$/m],
    [["--subscribe", "tcp://127.0.0.1:*"], /^--subscribe needs the address to connect to/m],
    [["--publish", "tcp://127.0.0.1:*", "--updates", "-5"], /^--updates must be a whole number/m],
    [
      ["--publish", "tcp://127.0.0.1:*", "--subscribe", "tcp://127.0.0.1:5556"],
      /--publish and --subscribe/,
    ],
    [["--publish", "tcp://127.0.0.1:*", "--filter", "1"], /--filter is not used with --publish/],
    [["--filter", "10001"], /--filter is not used without a role flag/],
    [["--subscribe", "tcp://127.0.0.1:5556", "--filter"], /^--filter needs a prefix/m],
  ])("refuses %j with exit code 2 and a message naming the flag", async (args, message) => {
    const run = await exitOf(example("weather", args));
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toMatch(message);
  });
});
