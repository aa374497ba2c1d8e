// select-many: one consumer selecting over hundreds of sockets at once, plus a heartbeat
// timeout in the same select. In the guide this is a zmq_poll over a long item list; here it
// is one select over the sockets' recv channels, and the pump serves every socket.
//
// With --pull and --subscribe, the guide's mspoller itself: a PULL connected to a ventilator
// (taskvent) and a SUB connected to a weather server (wuserver), one select over both, each
// message printed as it comes:
//
//   node dist/select-many.js --pull tcp://127.0.0.1:5557 --subscribe tcp://127.0.0.1:5556 \
//       [--filter "10001 "] [--count N]
import { chan, select, timeout, type Channel } from "@sluice/channels";
import { Pump, type Frame, type Sockets } from "@sluice/zmq-channels";
import {
  countFlag,
  endpointFlag,
  inproc,
  onAbort,
  pickRole,
  roleFor,
  runAsProgram,
  UsageError,
  type Program,
  type Role,
} from "./cli";

export interface SelectManyOptions {
  /** How many PULL sockets the consumer selects over (default 300). */
  sockets?: number | undefined;
  /** Messages sent to each socket, half before and half after a quiet spell (default 4). */
  messages?: number | undefined;
  /** Milliseconds of silence after which the consumer logs a heartbeat (default 50). */
  heartbeatMs?: number | undefined;
  /** Be mspoller: connect a PULL to a ventilator here; needs --subscribe. */
  pull?: string | undefined;
  /** With --pull: connect a SUB to a weather server here. */
  subscribe?: string | undefined;
  /** With --pull: the SUB's topic (default the guide's "10001 "). */
  filter?: string | undefined;
  /** With --pull: messages to take, from both, before it exits (default: until a signal). */
  count?: number | undefined;
  /** Where the role prints its lines (default process.stdout). */
  out?: NodeJS.WritableStream | undefined;
  /** Stops the role: it closes its pump and resolves with what it took so far. */
  signal?: AbortSignal | undefined;
}

/** --pull: the messages taken from each socket, in the order they came. */
export interface MspollerResult {
  role: "mspoller";
  tasks: string[];
  updates: string[];
}

/** Role flag → the other flags that role reads (`""`: the many sockets in one process). */
const ROLES = {
  "": ["sockets", "messages", "heartbeatMs"],
  pull: ["subscribe", "filter", "count"],
};

export interface SelectManyResult {
  /** Per socket index: how many messages the consumer took from it. */
  perSocket: number[];
  /** Messages whose payload named another socket than the one they came from. */
  crossed: number;
  /** How many heartbeats fired (at least one: the producers wait for one before the second half). */
  heartbeats: number;
}

export async function main(
  opts: SelectManyOptions = {},
): Promise<SelectManyResult | MspollerResult> {
  if (pickRole("select-many", opts, ROLES) === "pull") {
    const tasksAt = endpointFlag("pull", opts.pull, false);
    const weatherAt = endpointFlag("subscribe", opts.subscribe, false);
    if (opts.filter !== undefined && typeof opts.filter !== "string") {
      throw new UsageError(`--filter needs a topic, got ${JSON.stringify(opts.filter)}`);
    }
    const run = roleFor(countFlag("count", opts.count), opts);
    return mspoller(tasksAt, weatherAt, opts.filter ?? "10001 ", run);
  }
  return many(opts);
}

// mspoller: one select over a PULL and a SUB, as the guide's zmq_poll over two items.
async function mspoller(tasksAt: string, weatherAt: string, filter: string, run: Role) {
  const pump = new Pump();
  const receiver = await pump.socket("pull", { connect: tasksAt });
  const subscriber = await pump.socket("sub", { connect: weatherAt, subscribe: filter });
  const forget = onAbort(run.signal, () => void pump.close());
  const tasks: string[] = [];
  const updates: string[] = [];
  while (run.count === undefined || tasks.length + updates.length < run.count) {
    const { channel, value } = await select([receiver.recv, subscriber.recv]);
    if (value === undefined) break; // the pump closed: a signal
    const text = value[0]!.toString();
    (channel === receiver.recv ? tasks : updates).push(text);
    run.say(`${channel === receiver.recv ? "task" : "weather"}: ${text}`);
  }
  forget();
  await pump.close();
  return { role: "mspoller" as const, tasks, updates };
}

async function many(opts: SelectManyOptions): Promise<SelectManyResult> {
  const count = opts.sockets ?? 300;
  const messages = opts.messages ?? 4;
  const heartbeatMs = opts.heartbeatMs ?? 50;
  const pump = new Pump();

  const pulls: Sockets[] = [];
  const pushes: Sockets[] = [];
  for (let i = 0; i < count; i++) {
    const endpoint = inproc(`select-many-${i}`);
    pulls.push(await pump.socket("pull", { bind: endpoint }));
    pushes.push(await pump.socket("push", { connect: endpoint }));
  }
  const index = new Map<Channel<Frame[]>, number>(pulls.map((s, i) => [s.recv, i]));

  // Each producer sends half its messages, waits for the consumer's heartbeat (so the quiet
  // spell really happens), then sends the rest.
  const heartbeat = chan<number>(1);
  const produce = async () => {
    const half = Math.ceil(messages / 2);
    for (let m = 0; m < half; m++) await Promise.all(pushes.map((p, i) => p.send.put(`${i}:${m}`)));
    await heartbeat.take();
    for (let m = half; m < messages; m++)
      await Promise.all(pushes.map((p, i) => p.send.put(`${i}:${m}`)));
  };
  const producing = produce();

  // #region consumer
  const perSocket: number[] = new Array(count).fill(0);
  let crossed = 0;
  let heartbeats = 0;
  const ops: Array<Channel<any>> = pulls.map((s) => s.recv);
  let beat = timeout(heartbeatMs);
  for (let received = 0; received < count * messages;) {
    const { channel, value } = await select([...ops, beat]);
    if (channel === beat) {
      heartbeats++;
      heartbeat.offer(heartbeats); // tell the producers; never waits
      beat = timeout(heartbeatMs);
      continue;
    }
    const i = index.get(channel as Channel<Frame[]>)!;
    const [payload] = value as Frame[];
    if (Number(payload!.toString().split(":")[0]) !== i) crossed++;
    perSocket[i]!++;
    received++;
    beat = timeout(heartbeatMs); // silence is counted from the last message
  }
  // #endregion consumer

  await producing;
  await pump.close();
  return { perSocket, crossed, heartbeats };
}

export const program: Program<SelectManyOptions> = {
  about: "select-many: one select over hundreds of sockets' recv channels and a heartbeat timeout",
  flags: {
    sockets: ["n", "PULL sockets the consumer selects over (default 300)"],
    messages: [
      "n",
      "messages to each socket, half before and half after a quiet spell (default 4)",
    ],
    heartbeatMs: ["ms", "silence after which the consumer logs a heartbeat (default 50)"],
    pull: ["endpoint", "be mspoller: connect a PULL to a ventilator here (needs --subscribe)"],
    subscribe: ["endpoint", "with --pull: connect a SUB to a weather server here"],
    filter: ["topic", 'with --pull: the SUB\'s topic (default "10001 ")'],
    count: ["n", "with --pull: messages to take before exiting (default: until SIGINT)"],
  },
  roles: ROLES,
  text: ["filter"],
  stopOnSignal: true,
};

runAsProgram(module, main, program, (result) => {
  if ("role" in result) return; // mspoller printed its lines as it went
  const total = result.perSocket.reduce((a, b) => a + b, 0);
  console.log(
    `${total} messages from ${result.perSocket.length} sockets, ${result.heartbeats} heartbeats`,
  );
});
