// weather: the guide's weather server (wuserver/wuclient), PUB/SUB with topic filters.
//
// The slow joiner: a SUB that connects misses whatever the PUB sent before its subscription
// reached the PUB. The guide's fix is a side channel; with an XPUB the publisher simply sees
// the subscriptions arrive on its `recv`, and starts publishing once every subscriber is in.
//
// With a role flag, one side, on the guide's wire format (one frame, C's "%05d %d %d"), so it
// runs against wuserver or wuclient in any language:
//
//   node dist/weather.js --publish 'tcp://127.0.0.1:*' [--updates N]
//   node dist/weather.js --subscribe tcp://127.0.0.1:5556 [--filter "10001 "] [--updates 100]
import { Pump } from "@sluice/zmq-channels";
import {
  countFlag,
  endpointFlag,
  ipc,
  onAbort,
  pickRole,
  roleFor,
  runAsProgram,
  type Program,
  type Role,
  UsageError,
} from "./cli";

export interface WeatherOptions {
  /** How many subscribers, each filtering on its own zip code (default 3). */
  subscribers?: number | undefined;
  /**
   * How many updates each subscriber reads before it stops (default 50); with --publish, how
   * many to publish; with --subscribe, how many to average. A role without it runs until
   * `signal` (SIGINT or SIGTERM) aborts.
   */
  updates?: number | undefined;
  /** Be the publisher (wuserver): bind a PUB here and publish random updates. */
  publish?: string | undefined;
  /** Be a subscriber (wuclient): connect a SUB here and average the temperatures. */
  subscribe?: string | undefined;
  /** With --subscribe: the prefix to subscribe to (default "10001 ", the guide's). */
  filter?: string | undefined;
  /** Where a role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops a role: it closes its pump and resolves with what it did so far. */
  signal?: AbortSignal | undefined;
}

export type WeatherResult =
  | {
      role: "both";
      /** Per zip code: the average temperature the subscriber computed from what it received. */
      averages: Map<string, number>;
      /** Per zip code: the average of what the publisher sent, to compare against. */
      sent: Map<string, number>;
      /** Every zip code on which a subscriber received an update not for its own zip. */
      strays: string[];
    }
  /** --publish: how many updates went out. */
  | { role: "publisher"; published: number }
  | {
      role: "subscriber";
      /** How many updates arrived, and their average temperature (NaN when none did). */
      received: number;
      average: number;
      /** The updates as they arrived, kept when --updates bounds the run (else empty). */
      updates: string[];
    };

/** Role flag → the other flags that role reads (`""`: publisher and subscribers in one process). */
const ROLES = {
  "": ["subscribers", "updates"],
  publish: ["updates"],
  subscribe: ["updates", "filter"],
};

export async function main(opts: WeatherOptions = {}): Promise<WeatherResult> {
  const role = pickRole("weather", opts, ROLES);
  const count = countFlag("updates", opts.updates);
  const run = roleFor(count, opts);
  if (role === "publish") {
    const published = await wuserver(endpointFlag("publish", opts.publish, true), run);
    return { role: "publisher", published };
  }
  if (role === "subscribe") {
    const filter = opts.filter ?? "10001 ";
    if (typeof filter !== "string") {
      throw new UsageError(`--filter needs a prefix such as "10001 ", got ${String(filter)}`);
    }
    const endpoint = endpointFlag("subscribe", opts.subscribe, false);
    return { role: "subscriber", ...(await wuclient(endpoint, filter, run)) };
  }
  return {
    role: "both",
    ...(await both(countFlag("subscribers", opts.subscribers) ?? 3, count ?? 50)),
  };
}

// Both sides in one process: subscribers on their own zip codes, an XPUB that waits for them.
async function both(subscribers: number, updates: number) {
  const zips = Array.from({ length: subscribers }, (_, i) => String(10001 + i));
  // Zip codes nobody subscribed to: the filters must drop them before they reach any subscriber.
  const noise = ["20001", "30001"];

  const pump = new Pump();
  const endpoint = ipc("weather");
  // #region publisher
  const publisher = await pump.socket("xpub", {
    bind: endpoint,
    // Nothing may be dropped in this bounded run: a high-water mark of 0 means no limit.
    options: { sendHighWaterMark: 0 },
  });
  // #endregion publisher

  const strays: string[] = [];
  const averages = new Map<string, number>();
  // #region subscriber
  const subscribe = async (zip: string) => {
    // The trailing space makes "10001 " match 10001 only, never 100010.
    const sub = await pump.socket("sub", { connect: endpoint, subscribe: `${zip} ` });
    let total = 0;
    for (let n = 0; n < updates; n++) {
      const [update] = (await sub.recv.take())!;
      const [zipcode, temperature] = update!.toString().split(" ");
      if (zipcode !== zip) strays.push(zipcode!);
      total += Number(temperature);
    }
    sub.send.close(); // closing send closes the socket
    averages.set(zip, total / updates);
  };
  const listening = Promise.all(zips.map(subscribe));
  // #endregion subscriber

  // #region slow-joiner
  // An XPUB's recv yields each new subscription as a frame: 0x01, then the topic.
  const joined = new Set<string>();
  while (joined.size < subscribers) {
    const [frame] = (await publisher.recv.take())!;
    if (frame![0] === 1) joined.add(frame!.subarray(1).toString());
  }
  // #endregion slow-joiner

  // #region publish
  const sums = new Map<string, number>();
  for (let n = 0; n < updates; n++) {
    for (const zip of [...zips, ...noise]) {
      const temperature = ((n * 7 + Number(zip)) % 80) - 20;
      sums.set(zip, (sums.get(zip) ?? 0) + temperature);
      await publisher.send.put(`${zip} ${temperature} ${50 + (n % 40)}`);
    }
  }
  // #endregion publish

  await listening;
  await pump.close();
  const sent = new Map(zips.map((zip) => [zip, sums.get(zip)! / updates]));
  return { averages, sent, strays };
}

// #region wuserver
// wuserver: bind a PUB, then publish random updates as fast as they go out. A PUB drops what
// no subscriber wants (and, at the high-water mark, what a slow one cannot take): by design.
async function wuserver(endpoint: string, { count, signal, say }: Role) {
  const pump = new Pump();
  const publisher = await pump.socket("pub", { bind: endpoint });
  const forget = onAbort(signal, () => void pump.close());
  say(`listening on ${publisher.endpoints[0]}`); // the port that tcp://127.0.0.1:* picked

  const randof = (n: number) => Math.floor(Math.random() * n);
  let published = 0;
  while (count === undefined || published < count) {
    const zipcode = String(randof(100000)).padStart(5, "0");
    const temperature = randof(215) - 80;
    const relhumidity = randof(50) + 10;
    const sent = await publisher.send.put(`${zipcode} ${temperature} ${relhumidity}`);
    if (!sent) break; // false: the pump closed
    published++;
  }

  forget();
  await pump.close();
  return published;
}
// #endregion wuserver

// wuclient: subscribe to a zip code prefix and average the temperatures that arrive.
async function wuclient(endpoint: string, filter: string, { count, signal, say }: Role) {
  const pump = new Pump();
  say("Collecting updates from weather server...");
  const subscriber = await pump.socket("sub", { connect: endpoint, subscribe: filter });
  const forget = onAbort(signal, () => void pump.close());

  const updates: string[] = [];
  let received = 0;
  let total = 0;
  while (count === undefined || received < count) {
    const message = await subscriber.recv.take();
    if (message === undefined) break; // the pump closed
    const update = message[0]!.toString(); // "10001 72 43": zip code, temperature, humidity
    total += Number(update.split(" ")[1]);
    received++;
    if (count !== undefined) updates.push(update);
  }

  forget();
  await pump.close();
  const average = total / received;
  if (received === 0) say(`No updates for zipcode '${filter}'`);
  else say(`Average temperature for zipcode '${filter}' was ${Math.trunc(average)}F`);
  return { received, average, updates };
}

export const program: Program<WeatherOptions> = {
  about:
    "weather: the guide's wuserver/wuclient, PUB/SUB with topic filters; a role flag: one side",
  flags: {
    subscribers: ["n", "subscribers, each filtering on its own zip code (default 3)"],
    updates: ["n", "updates each subscriber reads, or a role publishes/averages (default 50)"],
    publish: ["endpoint", "be wuserver: bind a PUB here and publish random updates"],
    subscribe: ["endpoint", "be wuclient: connect a SUB here and average the temperatures"],
    filter: ["prefix", 'with --subscribe: the prefix to subscribe to (default "10001 ")'],
  },
  roles: ROLES,
  text: ["filter"],
  stopOnSignal: true,
};

runAsProgram(module, main, program, (result) => {
  if (result.role === "both") {
    for (const [zip, average] of result.averages) {
      console.log(`zip ${zip}: average temperature ${average.toFixed(1)}F`);
    }
  } else if (result.role === "publisher") {
    console.log(`published ${result.published} updates`);
  }
});
