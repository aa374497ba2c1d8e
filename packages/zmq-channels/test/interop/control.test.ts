// Runtime control (control.ts) against ZeroMQ peers in other processes — pyzmq when
// /usr/bin/python3 can import zmq, plain zeromq.js always — over tcp and ipc: a SUB that changes
// its topics while the peer's PUB streams, and a DEALER that moves between two ROUTERs while
// requests flow.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Pump } from "@sluice/zmq-channels";
import { takeWithin } from "../helpers";
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

    for (const transport of TRANSPORTS.filter((t) => t === "tcp" || spec.ipc)) {
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
              const m = await takeWithin(sub.recv, 3000, "a published message");
              seen.push(m[0]!.toString());
            }
            return seen;
          };
          /** Reads until `topic` arrives (the subscription reached the PUB). */
          const until = async (topic: string): Promise<void> => {
            for (;;) {
              const m = await takeWithin(sub.recv, 3000, `a message of ${topic}`);
              if (m[0]!.toString() === topic) return;
            }
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
          const TOTAL = 60;
          let put = 0;
          const sending = (async () => {
            for (let i = 0; i < TOTAL; i++) {
              await dealer.send.put(["", `${i}`]);
              put = i + 1;
              await sleep(3);
            }
          })();
          /** Every request a router got, in arrival order, until it is quiet for 300 ms. */
          const drain = async (router: string): Promise<number[]> => {
            const got: number[] = [];
            for (let m = await peer.tryRecv(router, 300); m; m = await peer.tryRecv(router, 300)) {
              expect(m.map(String).slice(0, 2)).toEqual(["D", ""]);
              got.push(Number(m[2]!.toString()));
            }
            return got;
          };
          while (put < 15) await sleep(5);
          await dealer.connect(second.endpoint); // both now: round robin
          while (put < 30) await sleep(5);
          await dealer.disconnect(first.endpoint);
          const cut = put; // requests from here on were put after the disconnect
          expect(dealer.endpoints).toEqual([second.endpoint]);
          await sending;
          const atFirst = await drain(first.id);
          const atSecond = await drain(second.id);
          // Nothing lost on the connected side: every request put after the disconnect reached
          // the second router, in order; none arrived twice, each router saw them in order.
          const late = Array.from({ length: TOTAL - cut }, (_, k) => cut + k);
          expect(atSecond.filter((i) => i >= cut)).toEqual(late);
          expect(atFirst.every((i) => i < cut)).toBe(true);
          const all = [...atFirst, ...atSecond];
          expect(new Set(all).size).toBe(all.length);
          for (const seen of [atFirst, atSecond]) {
            expect(seen).toEqual([...seen].sort((a, b) => a - b));
          }
          expect(atFirst.length).toBeGreaterThan(0);
          // And the reply path follows: the second router answers.
          await peer.send(second.id, ["D", "", "reply"]);
          expect((await takeWithin(dealer.recv)).map(String)).toEqual(["", "reply"]);
        });
      });
    }
  });
}
