// weather: the guide's weather server (wuserver/wuclient), PUB/SUB with topic filters.
//
// The slow joiner: a SUB that connects misses whatever the PUB sent before its subscription
// reached the PUB. The guide's fix is a side channel; with an XPUB the publisher simply sees
// the subscriptions arrive on its `recv`, and starts publishing once every subscriber is in.
import { Pump } from "@sluice/zmq-channels";
import { ipc, runAsProgram } from "./cli";

export interface WeatherOptions {
  /** How many subscribers, each filtering on its own zip code (default 3). */
  subscribers?: number;
  /** How many updates each subscriber reads before it stops (default 50). */
  updates?: number;
}

export interface WeatherResult {
  /** Per zip code: the average temperature the subscriber computed from what it received. */
  averages: Map<string, number>;
  /** Per zip code: the average of what the publisher sent, to compare against. */
  sent: Map<string, number>;
  /** Every zip code on which a subscriber received an update not for its own zip. */
  strays: string[];
}

export async function main(opts: WeatherOptions = {}): Promise<WeatherResult> {
  const subscribers = opts.subscribers ?? 3;
  const updates = opts.updates ?? 50;
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

runAsProgram(module, main, ["subscribers", "updates"], (result) => {
  for (const [zip, average] of result.averages) {
    console.log(`zip ${zip}: average temperature ${average.toFixed(1)}F`);
  }
});
