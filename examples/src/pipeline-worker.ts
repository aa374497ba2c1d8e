// pipeline-worker: one worker of the pipeline example, run as its own process
// (`node dist/pipeline-worker.js <id> <tasks> <results> <control>`). The guide's taskwork2.
import { select } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";
import { parseArgs } from "node:util";

export interface WorkerEndpoints {
  id: number;
  /** Where the ventilator's PUSH is bound: tasks come from here. */
  tasks: string;
  /** Where the sink's PULL is bound: results go here. */
  results: string;
  /** Where the controller's publisher is bound: `kill.<id>.` stops this worker. */
  control: string;
}

// #region worker
export async function work({ id, tasks, results, control }: WorkerEndpoints): Promise<number> {
  const pump = new Pump();
  const input = await pump.socket("pull", { connect: tasks });
  const output = await pump.socket("push", { connect: results });
  const stop = await pump.socket("sub", { connect: control, subscribe: `kill.${id}.` });

  let done = 0;
  for (;;) {
    // Whichever comes first: a task, or the order to stop.
    const { channel, value } = await select([input.recv, stop.recv]);
    if (channel === stop.recv || value === undefined) break;
    const n = Number(value[0]!.toString());
    await output.send.put(`${id} ${n * n}`);
    done++;
  }
  await pump.close();
  return done;
}
// #endregion worker

export const USAGE = `usage: node pipeline-worker.js <id> <tasks> <results> <control>

One worker of the pipeline example (pipeline.js starts them): squares each task it PULLs from
<tasks>, PUSHes the result to <results>, and stops when <control> publishes kill.<id>.

arguments:
  <id>       the worker's number
  <tasks>    the ventilator's endpoint (tcp://127.0.0.1:5557)
  <results>  the sink's endpoint
  <control>  the controller's publisher

flags:
  --help, -h  print this help and exit`;

if (require.main === module) {
  let args: { positionals: string[]; help: boolean };
  try {
    const parsed = parseArgs({
      allowPositionals: true,
      options: { help: { type: "boolean", short: "h" } },
    });
    args = { positionals: parsed.positionals, help: parsed.values.help === true };
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`); // an unknown flag
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
  } else if (args.positionals.length !== 4) {
    console.error(USAGE);
    process.exitCode = 2;
  } else {
    const [id, tasks, results, control] = args.positionals as [string, string, string, string];
    work({ id: Number(id), tasks, results, control }).catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
  }
}
