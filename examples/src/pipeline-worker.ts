// pipeline-worker: one worker of the pipeline example, run as its own process
// (`node dist/pipeline-worker.js <id> <tasks> <results> <control>`). The guide's taskwork2.
import { select } from "@sluice/channels";
import { Pump } from "@sluice/zmq-channels";

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

if (require.main === module) {
  const [id, tasks, results, control] = process.argv.slice(2);
  if (control === undefined) {
    console.error(
      "usage: node pipeline-worker.js <id> <tasks endpoint> <results endpoint> <control endpoint>",
    );
    process.exit(2);
  }
  work({ id: Number(id), tasks: tasks!, results: results!, control }).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
