// asyncsrv: the guide's asynchronous client/server. DEALER clients talk to a ROUTER frontend;
// the server passes messages to a DEALER backend, where DEALER workers answer each request
// with one or more replies. Everything is full duplex: on each client socket several tasks put
// requests while another takes replies, all at once, with no lock.
import { pipe } from "@sluice/channels";
import { Pump, type Sockets } from "@sluice/zmq-channels";
import { inproc, runAsProgram, type Program } from "./cli";

export interface AsyncsrvOptions {
  /** Client sockets (default 3). */
  clients?: number;
  /** Concurrent tasks sending on each client socket (default 4). */
  tasks?: number;
  /** Requests each task sends (default 5). */
  requests?: number;
  /** Worker sockets behind the backend (default 5). */
  workers?: number;
}

export interface ClientReport {
  client: string;
  /** Requests sent on this socket, by all its tasks. */
  sent: number;
  /** Per request id: how many replies it asked for, and how many came back. */
  replies: Map<string, { asked: number; received: number }>;
  /** Replies that arrived on this socket but belonged to another client (never, with ROUTER). */
  misrouted: number;
}

export async function main(opts: AsyncsrvOptions = {}): Promise<ClientReport[]> {
  const clients = opts.clients ?? 3;
  const tasks = opts.tasks ?? 4;
  const requests = opts.requests ?? 5;
  const workers = opts.workers ?? 5;
  const pump = new Pump();
  const frontendAddress = inproc("asyncsrv-frontend");
  const backendAddress = inproc("asyncsrv-backend");

  // #region server
  const frontend = await pump.socket("router", { bind: frontendAddress });
  const backend = await pump.socket("dealer", { bind: backendAddress });
  // The proxy is two pipes: [identity, request] goes to a worker, [identity, reply] comes back.
  pipe(frontend.recv, backend.send);
  pipe(backend.recv, frontend.send);
  // #endregion server

  // #region worker
  const work = async (worker: Sockets) => {
    for await (const [identity, request] of worker.recv) {
      // "client:request:n" asks for n replies; send them one by one, others may interleave.
      const [client, id, asked] = request!.toString().split(":");
      for (let n = 1; n <= Number(asked); n++) {
        await new Promise((resolve) => setImmediate(resolve));
        await worker.send.put([identity!, `${client}:${id}:${n}`]);
      }
    }
  };
  for (let w = 0; w < workers; w++) {
    void work(await pump.socket("dealer", { connect: backendAddress }));
  }
  // #endregion worker

  // #region client
  const client = async (name: string): Promise<ClientReport> => {
    const socket = await pump.socket("dealer", {
      connect: frontendAddress,
      options: { routingId: name },
    });
    const report: ClientReport = { client: name, sent: 0, replies: new Map(), misrouted: 0 };
    // Request r of task t asks for 1 + (t + r) % 3 replies; that many must come back.
    const asking = (task: number, r: number) => 1 + ((task + r) % 3);
    let expected = 0;
    for (let task = 0; task < tasks; task++)
      for (let r = 0; r < requests; r++) expected += asking(task, r);

    // Several tasks send on the same socket at once...
    const senders = Array.from({ length: tasks }, async (_, task) => {
      for (let r = 0; r < requests; r++) {
        const id = `${task}.${r}`;
        const asked = asking(task, r);
        report.replies.set(id, { asked, received: 0 });
        await socket.send.put(`${name}:${id}:${asked}`);
        report.sent++;
      }
    });
    // ...while one takes every reply as it comes.
    let received = 0;
    while (received < expected) {
      const [reply] = (await socket.recv.take())!;
      const [owner, id] = reply!.toString().split(":");
      const entry = report.replies.get(id!);
      if (owner !== name || entry === undefined) report.misrouted++;
      else entry.received++;
      received++;
    }
    await Promise.all(senders);
    return report;
  };
  const reports = await Promise.all(
    Array.from({ length: clients }, (_, c) => client(`client-${c}`)),
  );
  // #endregion client

  await pump.close();
  return reports;
}

export const program: Program<AsyncsrvOptions> = {
  about: "asyncsrv: the guide's asynchronous client/server, full-duplex ROUTER/DEALER on one pump",
  flags: {
    clients: ["n", "client sockets (default 3)"],
    tasks: ["n", "concurrent tasks sending on each client socket (default 4)"],
    requests: ["n", "requests each task sends (default 5)"],
    workers: ["n", "worker sockets behind the backend (default 5)"],
  },
};

runAsProgram(module, main, program, (reports) => {
  for (const r of reports) {
    const replies = [...r.replies.values()].reduce((sum, e) => sum + e.received, 0);
    console.log(`${r.client}: ${r.sent} requests, ${replies} replies, ${r.misrouted} misrouted`);
  }
});
