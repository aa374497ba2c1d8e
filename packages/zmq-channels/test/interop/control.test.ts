// Runtime control (control.ts) against ZeroMQ peers in other processes — pyzmq when
// /usr/bin/python3 can import zmq, plain zeromq.js always — over tcp and ipc: a SUB that changes
// its topics while the peer's PUB streams, and a DEALER that moves between two ROUTERs while
// requests flow.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Pump, type Sockets } from "@sluice/zmq-channels";
import { availablePeers, Peer } from "./peer";

const PEERS = availablePeers();
const TRANSPORTS = ["tcp", "ipc"] as const;
let sequence = 0;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

for (const spec of PEERS) {
  describe(`control against a ${spec.name} peer`, () => {
    let peer: Peer;
    beforeAll(async () => {
      peer = await Peer.start(spec);
    });
    afterAll(() => peer?.stop());

    for (const transport of TRANSPORTS) {
      describe(`over ${transport}`, () => {
        let pump: Pump;
        let ipcPaths: string[] = [];
        beforeEach(() => {
          pump = new Pump();
        });
        afterEach(async () => {
          await pump.close();
          await peer.closeAll();
          for (const p of ipcPaths) fs.rmSync(p, { force: true });
          ipcPaths = [];
        });

        function address(): string {
          if (transport === "tcp") return "tcp://127.0.0.1:*";
          const file = path.join(os.tmpdir(), `sluice-ctl-${process.pid}-${++sequence}.ipc`);
          ipcPaths.push(file);
          return `ipc://${file}`;
        }

        it("a SUB subscribes and unsubscribes while the peer's PUB streams", async () => {
          const { id: pub, endpoint } = await peer.open("pub", { bind: address() });
          const sub = await pump.socket("sub", { connect: endpoint });
          let streaming = true;
          let seq = 0;
          const stream = (async () => {
            while (streaming) await peer.send(pub, [["a", "b", "c"][seq % 3]!, String(seq++)]);
          })();
          const topics = async (n: number): Promise<string[]> => {
            const seen: string[] = [];
            for (let i = 0; i < n; i++) {
              const m = await sub.recv.take();
              seen.push(m![0]!.toString());
            }
            return seen;
          };
          /** Reads until `topic` arrives (the subscription reached the PUB). */
          const until = async (topic: string): Promise<void> => {
            for (;;) if ((await sub.recv.take())![0]!.toString() === topic) return;
          };
          try {
            await sleep(50);
            expect(sub.recv.poll()).toBeUndefined(); // no subscription, nothing
            await sub.subscribe("a");
            await until("a");
            expect(new Set(await topics(10))).toEqual(new Set(["a"]));
            await sub.subscribe("c");
            await until("c");
            expect(new Set(await topics(20))).toEqual(new Set(["a", "c"]));
            await sub.unsubscribe("a");
            await sleep(200); // the unsubscription settles at the PUB
            while (sub.recv.poll() !== undefined); // what was in flight
            expect(new Set(await topics(10))).toEqual(new Set(["c"]));
            await sub.unsubscribe("c");
            await sleep(200);
            while (sub.recv.poll() !== undefined);
            await sleep(100);
            expect(sub.recv.poll()).toBeUndefined();
          } finally {
            streaming = false;
            await stream;
          }
        });

        it("a DEALER connects to a second ROUTER and disconnects from the first while requests flow", async () => {
          const first = await peer.open("router", { bind: address() });
          const second = await peer.open("router", { bind: address() });
          const dealer = await pump.socket("dealer", {
            connect: first.endpoint,
            options: { routingId: "D" },
          });
          const roundTrip = async (router: string, i: number, s: Sockets): Promise<void> => {
            await s.send.put(["", `request ${i}`]);
            const got = await peer.recv(router);
            expect(got.map(String)).toEqual(["D", "", `request ${i}`]);
            await peer.send(router, ["D", "", `reply ${i}`]);
            expect((await s.recv.take())!.map(String)).toEqual(["", `reply ${i}`]);
          };
          for (let i = 0; i < 5; i++) await roundTrip(first.id, i, dealer);
          await dealer.connect(second.endpoint);
          await dealer.disconnect(first.endpoint);
          expect(dealer.endpoints).toEqual([second.endpoint]);
          // Everything put from now on reaches the second router, in order.
          for (let i = 5; i < 10; i++) await dealer.send.put(["", `request ${i}`]);
          for (let i = 5; i < 10; i++) {
            expect((await peer.recv(second.id)).map(String)).toEqual(["D", "", `request ${i}`]);
          }
          for (let i = 10; i < 15; i++) await roundTrip(second.id, i, dealer);
          expect(await peer.tryRecv(first.id, 50)).toBeUndefined();
        });
      });
    }
  });
}
