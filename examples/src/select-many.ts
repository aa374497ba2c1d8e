// select-many: one consumer selecting over hundreds of sockets at once, plus a heartbeat
// timeout in the same select. In the guide this is a zmq_poll over a long item list; here it
// is one select over the sockets' recv channels, and the pump serves every socket.
import { chan, select, timeout, type Channel } from "@sluice/channels";
import { Pump, type Frame, type Sockets } from "@sluice/zmq-channels";
import { inproc, runAsProgram, type Program } from "./cli";

export interface SelectManyOptions {
  /** How many PULL sockets the consumer selects over (default 300). */
  sockets?: number;
  /** Messages sent to each socket, half before and half after a quiet spell (default 4). */
  messages?: number;
  /** Milliseconds of silence after which the consumer logs a heartbeat (default 50). */
  heartbeatMs?: number;
}

export interface SelectManyResult {
  /** Per socket index: how many messages the consumer took from it. */
  perSocket: number[];
  /** Messages whose payload named another socket than the one they came from. */
  crossed: number;
  /** How many heartbeats fired (at least one: the producers wait for one before the second half). */
  heartbeats: number;
}

export async function main(opts: SelectManyOptions = {}): Promise<SelectManyResult> {
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
  },
};

runAsProgram(module, main, program, (result) => {
  const total = result.perSocket.reduce((a, b) => a + b, 0);
  console.log(
    `${total} messages from ${result.perSocket.length} sockets, ${result.heartbeats} heartbeats`,
  );
});
