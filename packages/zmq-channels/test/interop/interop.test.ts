// The pump against ZeroMQ peers in other processes: plain zeromq.js always, Python (pyzmq over
// the system's libzmq) when /usr/bin/python3 can import zmq, and JeroMQ (ZeroMQ written anew in
// Java) when Debian's libjeromq-java is there. Every case runs over tcp and ipc (JeroMQ: tcp),
// once with sluice binding and once with the peer binding, and asserts exact frames: what a
// ZeroMQ user on the other side sends is what sluice delivers, and the other way round.
//
// The peer is one process per peer kind, driven command by command (peer.ts); each test opens
// its own sockets on it and closes them, and its own pump, in afterEach.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Channel } from "@sluice/channels";
import {
  Pump,
  PumpError,
  type Kind,
  type Part,
  type SocketOptions,
  type Sockets,
} from "@sluice/zmq-channels";
import { availablePeers, Peer, type OpenOptions } from "./peer";

const PEERS = availablePeers();
console.log(
  `interop peers: ${PEERS.map((p) => p.name).join(", ")}` +
    (PEERS.some((p) => p.name === "python")
      ? ""
      : " (no python: /usr/bin/python3 cannot import zmq; install python3-zmq to run it)") +
    (PEERS.some((p) => p.name === "jeromq")
      ? ""
      : " (no jeromq: install libjeromq-java and a Java runtime to run it)"),
);

const TRANSPORTS = ["tcp", "ipc"] as const;
type Transport = (typeof TRANSPORTS)[number];

/** Which side binds; the other connects to the endpoint the binder resolved. */
type Binder = "sluice" | "peer";
const BINDERS: readonly Binder[] = ["sluice", "peer"];

/** Every byte value, in one frame. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Multipart, binary, empty frames and strings (non-ASCII too): what PUSH/PULL carries. */
const MESSAGES: Part[][] = [
  ["hello"],
  ["multi", "part", "message"],
  [ALL_BYTES],
  [""],
  ["", "", ""],
  ["head", Buffer.alloc(0), ALL_BYTES, "tail"],
  ["héllo wörld ✓ 日本"],
  [new Uint8Array([0, 1, 2, 254, 255]), "after a Uint8Array"],
];

/** Parts as the Buffers that must arrive. */
function bufs(parts: readonly Part[]): Buffer[] {
  return parts.map((p) => Buffer.from(p));
}

/** Length and SHA-256 per frame: jest's toEqual walks a Buffer byte by byte (seconds per MiB). */
function digests(frames: readonly Buffer[]): string[] {
  return frames.map((f) => `${f.length}:${createHash("sha256").update(f).digest("hex")}`);
}

let sequence = 0;

/** Resolves with a value, or `undefined` once `ms` passed (the timer is always cleared). */
async function tryTake<T>(ch: Channel<T>, ms: number): Promise<T | undefined> {
  const ready = ch.poll();
  if (ready !== undefined) return ready;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    return await ch.take({ signal: abort.signal });
  } catch (e) {
    if (abort.signal.aborted) return undefined;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** One message from `ch`; fails the test when none came within `ms`. */
async function take<T>(ch: Channel<T>, ms = 3000): Promise<T> {
  const value = await tryTake(ch, ms);
  if (value === undefined) throw new Error(`no message (or recv closed) within ${ms} ms`);
  return value;
}

for (const spec of PEERS) {
  describe(`interop with a ${spec.name} peer`, () => {
    let peer: Peer;
    beforeAll(async () => {
      peer = await Peer.start(spec);
      console.log(`interop: ${spec.name} peer up (${peer.versions})`);
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
          // Nothing failed quietly: whatever a case expected on `errors` it has taken.
          const unexpected: PumpError[] = [];
          for (let e = pump.errors.poll(); e !== undefined; e = pump.errors.poll()) {
            unexpected.push(e);
          }
          expect(unexpected.map((e) => e.message)).toEqual([]);
        });

        /** A fresh address to bind: tcp on a free port, or a unique ipc path. */
        function address(t: Transport = transport): string {
          if (t === "tcp") return "tcp://127.0.0.1:*";
          const file = path.join(os.tmpdir(), `sluice-interop-${process.pid}-${++sequence}.ipc`);
          ipcPaths.push(file);
          return `ipc://${file}`;
        }

        /** A sluice socket and a peer socket, connected; `binder` binds, the other connects. */
        async function link(
          binder: Binder,
          kind: Kind,
          options: Omit<SocketOptions, "bind" | "connect">,
          peerKind: string,
          peerOptions: Omit<OpenOptions, "bind" | "connect"> = {},
        ): Promise<{ s: Sockets; p: string }> {
          if (binder === "sluice") {
            const s = await pump.socket(kind, { ...options, bind: address() });
            const { id } = await peer.open(peerKind, { ...peerOptions, connect: s.endpoints[0] });
            return { s, p: id };
          }
          const { id, endpoint } = await peer.open(peerKind, { ...peerOptions, bind: address() });
          return { s: await pump.socket(kind, { ...options, connect: endpoint }), p: id };
        }

        /** The cases: each runs once per binder (or per binder it lists). */
        const CASES: Array<[string, (binder: Binder) => Promise<void>, (readonly Binder[])?]> = [
          [
            "REQ (sluice) to REP (peer): round trips carry the body only",
            async (binder) => {
              const { s, p } = await link(binder, "req", {}, "rep");
              for (let i = 0; i < 5; i++) {
                await s.send.put(["request", String(i)]);
                expect(await peer.recv(p)).toEqual(bufs(["request", String(i)]));
                await peer.send(p, ["reply", String(i), ""]);
                expect(await take(s.recv)).toEqual(bufs(["reply", String(i), ""]));
              }
            },
          ],
          [
            "REQ (sluice) to REP (peer): requests put at once go out one per reply",
            async (binder) => {
              const { s, p } = await link(binder, "req", {}, "rep");
              for (let i = 0; i < 3; i++) await s.send.put(`request ${i}`);
              for (let i = 0; i < 3; i++) {
                expect(await peer.recv(p)).toEqual(bufs([`request ${i}`]));
                await peer.send(p, [`reply ${i}`]);
                expect(await take(s.recv)).toEqual(bufs([`reply ${i}`]));
              }
            },
          ],
          [
            "REQ (peer) to REP (sluice): REP recv is the body only, the reply goes back",
            async (binder) => {
              const { s, p } = await link(binder, "rep", {}, "req");
              for (let i = 0; i < 5; i++) {
                await peer.send(p, ["question", String(i)]);
                expect(await take(s.recv)).toEqual(bufs(["question", String(i)]));
                await s.send.put(["answer", ALL_BYTES, String(i)]);
                expect(await peer.recv(p)).toEqual(bufs(["answer", ALL_BYTES, String(i)]));
              }
              await peer.send(p, [""]);
              expect(await take(s.recv)).toEqual(bufs([""]));
              await s.send.put("");
              expect(await peer.recv(p)).toEqual(bufs([""]));
            },
          ],
          [
            "REQ (two peers) to REP (sluice): each reply goes back to the peer that asked",
            async (binder) => {
              let rep: Sockets;
              const reqs: string[] = [];
              if (binder === "sluice") {
                rep = await pump.socket("rep", { bind: address() });
                for (let n = 0; n < 2; n++) {
                  reqs.push((await peer.open("req", { connect: rep.endpoints[0] })).id);
                }
              } else {
                const endpoints: string[] = [];
                for (let n = 0; n < 2; n++) {
                  const { id, endpoint } = await peer.open("req", { bind: address() });
                  reqs.push(id);
                  endpoints.push(endpoint);
                }
                rep = await pump.socket("rep", { connect: endpoints });
              }
              for (let i = 0; i < 3; i++) {
                for (const [n, r] of reqs.entries()) await peer.send(r, [`from ${n}`, String(i)]);
                // Answer whichever comes first with what it asked: REP keeps the envelope.
                for (let k = 0; k < reqs.length; k++) {
                  const [who, round] = (await take(rep.recv)).map(String);
                  await rep.send.put([`answer to ${who}`, round!]);
                }
                for (const [n, r] of reqs.entries()) {
                  expect(await peer.recv(r)).toEqual(bufs([`answer to from ${n}`, String(i)]));
                }
              }
            },
          ],
          [
            "PUSH (sluice) to PULL (peer): multipart, binary, empty frames and strings",
            async (binder) => {
              const { s, p } = await link(binder, "push", {}, "pull");
              for (const m of MESSAGES) await s.send.put(m);
              for (const m of MESSAGES) expect(await peer.recv(p)).toEqual(bufs(m));
            },
          ],
          [
            "PUSH (peer) to PULL (sluice): multipart, binary, empty frames and strings",
            async (binder) => {
              const { s, p } = await link(binder, "pull", {}, "push");
              for (const m of MESSAGES) await peer.send(p, m);
              for (const m of MESSAGES) expect(await take(s.recv)).toEqual(bufs(m));
            },
          ],
          [
            "PUB (peer) to SUB (sluice): only subscribed topics arrive, by prefix",
            async (binder) => {
              const { s, p } = await link(binder, "sub", { subscribe: ["a", "c"] }, "pub");
              // The slow joiner: publish until the subscriptions have reached the publisher. On
              // the last one's topic: "a" may reach it before "c" does (on a loaded machine the
              // SUB's I/O thread can write them apart), and "c" comes after "a" on one pipe.
              let first: Buffer[] | undefined;
              for (let i = 0; i < 50 && first === undefined; i++) {
                await peer.send(p, ["c", "warm-up"]);
                first = await tryTake(s.recv, 100);
              }
              expect(first).toEqual(bufs(["c", "warm-up"]));
              const published: Part[][] = [
                ["b", "not subscribed"],
                ["a", "1"],
                ["ab", "2: prefix a"],
                ["ba", "not subscribed either"],
                ["c", ALL_BYTES],
                ["", "empty topic"],
                ["a-single-frame"],
                ["c", "end"],
              ];
              for (const m of published) await peer.send(p, m);
              const got: Buffer[][] = [];
              while (got.length < 10) {
                const m = await take(s.recv);
                if (got.length === 0 && m[1]?.toString() === "warm-up") continue; // late warm-ups
                got.push(m);
                if (m[1]?.toString() === "end") break;
              }
              expect(got).toEqual(
                [
                  ["a", "1"],
                  ["ab", "2: prefix a"],
                  ["c", ALL_BYTES],
                  ["a-single-frame"],
                  ["c", "end"],
                ].map(bufs),
              );
            },
          ],
          [
            "PUB (sluice) to SUB (peer): only subscribed topics arrive",
            async (binder) => {
              const { s, p } = await link(binder, "pub", {}, "sub", { subscribe: ["x"] });
              let first: Buffer[] | undefined;
              for (let i = 0; i < 50 && first === undefined; i++) {
                await s.send.put(["x", "warm-up"]);
                first = await peer.tryRecv(p, 100);
              }
              expect(first).toEqual(bufs(["x", "warm-up"]));
              const published: Part[][] = [
                ["y", "not subscribed"],
                ["x", "1"],
                ["xy", ALL_BYTES],
                ["yx", "no"],
                ["x", "end"],
              ];
              for (const m of published) await s.send.put(m);
              const got: Buffer[][] = [];
              while (got.length < 10) {
                const m = await peer.recv(p);
                if (got.length === 0 && m[1]?.toString() === "warm-up") continue;
                got.push(m);
                if (m[1]?.toString() === "end") break;
              }
              expect(got).toEqual(
                [
                  ["x", "1"],
                  ["xy", ALL_BYTES],
                  ["x", "end"],
                ].map(bufs),
              );
            },
          ],
          [
            "DEALER (peer) to ROUTER (sluice): identities arrive first, replies go back by identity",
            async (binder) => {
              const ids = ["alice", "bob"];
              let router: Sockets;
              const dealers: string[] = [];
              if (binder === "sluice") {
                router = await pump.socket("router", { bind: address() });
                for (const routingId of ids) {
                  dealers.push(
                    (await peer.open("dealer", { routingId, connect: router.endpoints[0] })).id,
                  );
                }
              } else {
                const endpoints: string[] = [];
                for (const routingId of ids) {
                  const { id, endpoint } = await peer.open("dealer", {
                    routingId,
                    bind: address(),
                  });
                  dealers.push(id);
                  endpoints.push(endpoint);
                }
                router = await pump.socket("router", { connect: endpoints });
              }
              for (let i = 0; i < 3; i++) {
                const seen = new Map<string, Buffer[]>();
                for (const [n, d] of dealers.entries())
                  await peer.send(d, ["ping", ids[n]!, String(i)]);
                for (let k = 0; k < ids.length; k++) {
                  const [identity, ...body] = await take(router.recv);
                  seen.set(identity!.toString(), body);
                }
                expect([...seen.keys()].sort()).toEqual(ids);
                for (const id of ids) expect(seen.get(id)).toEqual(bufs(["ping", id, String(i)]));
                // Reply in the opposite order: routing is by identity, not by arrival.
                for (const id of [...ids].reverse())
                  await router.send.put([id, "pong", id, String(i)]);
                for (const [n, d] of dealers.entries()) {
                  expect(await peer.recv(d)).toEqual(bufs(["pong", ids[n]!, String(i)]));
                }
              }
            },
          ],
          [
            "DEALER (peer) without routingId to ROUTER (sluice): libzmq's binary identity routes back",
            async (binder) => {
              const { s, p } = await link(
                binder,
                "router",
                { options: { mandatory: true } },
                "dealer",
              );
              await peer.send(p, ["anonymous"]);
              const [identity, ...body] = await take(s.recv);
              expect(body).toEqual(bufs(["anonymous"]));
              // libzmq makes up 5 bytes: a zero, then a 32-bit number (not valid text in general).
              expect(identity!.length).toBe(5);
              expect(identity![0]).toBe(0);
              await s.send.put([identity!, "back to you"]);
              expect(await peer.recv(p)).toEqual(bufs(["back to you"]));
            },
          ],
          [
            "ROUTER (peer) to DEALER (sluice): the peer sees sluice's routingId and replies by it",
            async (binder) => {
              const routingId = "sluice-dealer";
              const { s, p } = await link(binder, "dealer", { options: { routingId } }, "router");
              for (let i = 0; i < 3; i++) {
                await s.send.put(["hello", "", String(i)]);
                expect(await peer.recv(p)).toEqual(bufs([routingId, "hello", "", String(i)]));
                await peer.send(p, [routingId, "world", ALL_BYTES, String(i)]);
                expect(await take(s.recv)).toEqual(bufs(["world", ALL_BYTES, String(i)]));
              }
            },
          ],
          [
            "REQ (peer) to ROUTER (sluice): the envelope is identity, empty delimiter, body",
            async (binder) => {
              const { s, p } = await link(binder, "router", {}, "req", { routingId: "client" });
              for (let i = 0; i < 3; i++) {
                await peer.send(p, ["question", String(i)]);
                expect(await take(s.recv)).toEqual(bufs(["client", "", "question", String(i)]));
                await s.send.put(["client", "", "answer", String(i)]);
                expect(await peer.recv(p)).toEqual(bufs(["answer", String(i)]));
              }
            },
          ],
          [
            "DEALER (sluice) to REP (peer): an empty delimiter first, as REQ would send",
            async (binder) => {
              const { s, p } = await link(binder, "dealer", {}, "rep");
              for (let i = 0; i < 3; i++) {
                await s.send.put(["", "request", String(i)]);
                expect(await peer.recv(p)).toEqual(bufs(["request", String(i)]));
                await peer.send(p, ["reply", String(i)]);
                expect(await take(s.recv)).toEqual(bufs(["", "reply", String(i)]));
              }
            },
          ],
          [
            "XSUB (sluice) to PUB (peer): subscribing by sending 0x01 + topic",
            async (binder) => {
              const { s, p } = await link(binder, "xsub", {}, "pub");
              await s.send.put(Buffer.from("\x01news"));
              // The slow joiner, as for SUB: publish until the subscription is in force.
              let first: Buffer[] | undefined;
              for (let i = 0; i < 50 && first === undefined; i++) {
                await peer.send(p, ["news", "warm-up"]);
                first = await tryTake(s.recv, 100);
              }
              expect(first).toEqual(bufs(["news", "warm-up"]));
              for (const m of [
                ["sport", "no"],
                ["news", "1"],
                ["news", "end"],
              ]) {
                await peer.send(p, m);
              }
              const got: Buffer[][] = [];
              while (got.length < 10) {
                const m = await take(s.recv);
                if (got.length === 0 && m[1]?.toString() === "warm-up") continue;
                got.push(m);
                if (m[1]?.toString() === "end") break;
              }
              expect(got).toEqual(
                [
                  ["news", "1"],
                  ["news", "end"],
                ].map(bufs),
              );
            },
          ],
          [
            "PUSH/PULL: a 1 MiB frame crosses intact both ways",
            async (binder) => {
              const big = Buffer.alloc(1 << 20);
              for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 8)) & 0xff;
              const out = await link(binder, "push", {}, "pull");
              await out.s.send.put(["big", big]);
              expect(digests(await peer.recv(out.p))).toEqual(digests([Buffer.from("big"), big]));
              const back = await link(binder, "pull", {}, "push");
              await peer.send(back.p, [big, "back"]);
              expect(digests(await take(back.s.recv))).toEqual(digests([big, Buffer.from("back")]));
            },
          ],
          [
            "XPUB (sluice): recv gives the raw subscribe and unsubscribe frames of a SUB peer",
            async (binder) => {
              const { s, p } = await link(binder, "xpub", {}, "sub");
              const frame = (flag: number, topic: string): Buffer[] => [
                Buffer.concat([Buffer.from([flag]), Buffer.from(topic)]),
              ];
              await peer.subscribe(p, "alpha");
              if (binder === "peer") {
                // libzmq (4.3.4 and 4.3.5 alike; libzmq#2267): a SUB that bound does not send its
                // subscriptions to an XPUB that connected until the SUB's own application calls
                // into it (which attaches the new pipe). A ZeroMQ user's SUB would be receiving;
                // so does the peer here, and nothing is published yet.
                let first: Buffer[] | undefined;
                for (let i = 0; i < 50 && first === undefined; i++) {
                  expect(await peer.tryRecv(p, 10)).toBeUndefined();
                  first = await tryTake(s.recv, 100);
                }
                expect(first).toEqual(frame(1, "alpha"));
              } else {
                expect(await take(s.recv)).toEqual(frame(1, "alpha"));
              }
              await peer.subscribe(p, "beta");
              expect(await take(s.recv)).toEqual(frame(1, "beta"));
              // The subscriptions are in force at the XPUB: no slow joiner from here on.
              for (const m of [
                ["alpha", "A"],
                ["gamma", "G"],
                ["beta", "B"],
                ["alpha", "end"],
              ]) {
                await s.send.put(m);
              }
              expect(await peer.recv(p)).toEqual(bufs(["alpha", "A"]));
              expect(await peer.recv(p)).toEqual(bufs(["beta", "B"]));
              expect(await peer.recv(p)).toEqual(bufs(["alpha", "end"]));
              await peer.unsubscribe(p, "alpha");
              expect(await take(s.recv)).toEqual(frame(0, "alpha"));
              await peer.subscribe(p, "");
              expect(await take(s.recv)).toEqual(frame(1, ""));
              await peer.unsubscribe(p, "");
              expect(await take(s.recv)).toEqual(frame(0, ""));
            },
          ],
          [
            "ROUTER (sluice) with mandatory: an unknown identity is a PumpError EHOSTUNREACH",
            async (binder) => {
              const { s, p } = await link(
                binder,
                "router",
                { options: { mandatory: true } },
                "dealer",
                {
                  routingId: "known",
                },
              );
              await peer.send(p, ["here"]);
              expect(await take(s.recv)).toEqual(bufs(["known", "here"]));
              await s.send.put(["nobody", "lost"]);
              const e = await take(pump.errors);
              expect(e).toBeInstanceOf(PumpError);
              expect(e.code).toBe("EHOSTUNREACH");
              expect(e.kind).toBe("router");
              expect(e.unsent).toEqual(["nobody", "lost"]);
              // The socket goes on: the known peer is still reachable.
              await s.send.put(["known", "still here"]);
              expect(await peer.recv(p)).toEqual(bufs(["still here"]));
            },
          ],
          [
            "ROUTER (sluice) with mandatory: a peer that went away is EHOSTUNREACH too",
            async (binder) => {
              const { s, p } = await link(
                binder,
                "router",
                { options: { mandatory: true } },
                "dealer",
                {
                  routingId: "leaving",
                },
              );
              await peer.send(p, ["hello"]);
              expect(await take(s.recv)).toEqual(bufs(["leaving", "hello"]));
              await peer.close(p);
              // Until the router notices the disconnect, a send is queued and dropped (zeromq);
              // after, each one is refused. Send until the first refusal.
              let error: PumpError | undefined;
              let sent = 0;
              while (error === undefined && sent < 100) {
                await s.send.put(["leaving", String(sent++)]);
                error = await tryTake(pump.errors, 20);
              }
              expect(error?.code).toBe("EHOSTUNREACH");
              expect(error?.unsent).toEqual(["leaving", String(sent - 1)]);
            },
            // Only when sluice binds: a ROUTER that connected keeps its pipe to the identity
            // across the peer's going away (libzmq reconnects it), so zeromq never refuses.
            ["sluice"],
          ],
          [
            "PUSH (sluice): pump.close() hands over what was put before it closes",
            async (binder) => {
              const { s, p } = await link(binder, "push", {}, "pull");
              for (const m of MESSAGES) await s.send.put(m);
              await pump.close();
              for (const m of MESSAGES) expect(await peer.recv(p)).toEqual(bufs(m));
            },
          ],
          [
            "PAIR: both directions over one connection",
            async (binder) => {
              const { s, p } = await link(binder, "pair", {}, "pair");
              for (const m of MESSAGES.slice(0, 4)) await s.send.put(m);
              for (const m of MESSAGES.slice(0, 4)) expect(await peer.recv(p)).toEqual(bufs(m));
              for (const m of MESSAGES.slice(4)) await peer.send(p, m);
              for (const m of MESSAGES.slice(4)) expect(await take(s.recv)).toEqual(bufs(m));
              for (let i = 0; i < 3; i++) {
                await s.send.put(["ping", String(i)]);
                expect(await peer.recv(p)).toEqual(bufs(["ping", String(i)]));
                await peer.send(p, ["pong", String(i)]);
                expect(await take(s.recv)).toEqual(bufs(["pong", String(i)]));
              }
            },
          ],
        ];

        for (const [name, run, binders = BINDERS] of CASES) {
          for (const binder of binders) {
            it(`${name} (${binder} binds)`, () => run(binder));
          }
        }
      });
    }
  });
}
