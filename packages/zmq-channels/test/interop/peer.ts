// The interop tests' side of a peer process: spawn it, drive it one command at a time over
// stdin/stdout (the protocol is in peers/peer.py), and make sure it is gone afterwards.
//
// Invariants:
// - At most one command is in flight; replies arrive in order, so the oldest waiter owns a line.
// - Every wait is bounded: a peer that does not answer fails the test, never hangs it.
// - stop() always ends with the process exited (asked to exit, else SIGKILL) and awaited.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";

/** How to start one kind of peer, and what it can do. */
export interface PeerSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Real ipc (JeroMQ 0.3 emulates it over tcp: no peer of another library can reach it). */
  readonly ipc: boolean;
  /** STREAM sockets (raw TCP). */
  readonly stream: boolean;
  /** ZMTP 3.1's heartbeats (JeroMQ 0.3 speaks ZMTP 2.0: no PING/PONG). */
  readonly heartbeats: boolean;
}

const PEERS_DIR = path.join(__dirname, "peers");
const PYTHON = "/usr/bin/python3";
const JAVA = "/usr/bin/java";
const JEROMQ_JAR = "/usr/share/java/jeromq.jar"; // Debian's libjeromq-java

/** The peer that is always there: plain zeromq.js in a node child process. */
const NODE_PEER: PeerSpec = {
  name: "node-plain",
  command: process.execPath,
  args: [path.join(PEERS_DIR, "peer.js")],
  ipc: true,
  stream: true,
  heartbeats: true,
};

export const PYTHON_PEER: PeerSpec = {
  name: "python",
  command: PYTHON,
  args: ["-u", path.join(PEERS_DIR, "peer.py")],
  ipc: true,
  stream: true,
  heartbeats: true,
};

/** JeroMQ, ZeroMQ written anew in Java (ZMTP 2.0 in Debian's 0.3.6), run from its source. */
const JEROMQ_PEER: PeerSpec = {
  name: "jeromq",
  command: JAVA,
  args: ["-cp", JEROMQ_JAR, path.join(PEERS_DIR, "JeroPeer.java")],
  ipc: false,
  stream: false,
  heartbeats: false,
};

/** Whether Debian's python3-zmq is importable by /usr/bin/python3 (decided once, at load). */
export function pythonZmqAvailable(): boolean {
  const probe = spawnSync(PYTHON, ["-c", "import zmq"], { stdio: "ignore", timeout: 10_000 });
  return probe.status === 0;
}

/** Whether Debian's libjeromq-java and a Java runtime are there. */
export function jeromqAvailable(): boolean {
  return fs.existsSync(JEROMQ_JAR) && fs.existsSync(JAVA);
}

/** The peers to run every case against: node-plain always, python when it can import zmq,
 * jeromq when its jar is there (.ci/run installs both when it can). */
export function availablePeers(): PeerSpec[] {
  return [
    NODE_PEER,
    ...(pythonZmqAvailable() ? [PYTHON_PEER] : []),
    ...(jeromqAvailable() ? [JEROMQ_PEER] : []),
  ];
}

/** A peer socket's options on `open`. */
export interface OpenOptions {
  bind?: string;
  connect?: string;
  routingId?: string;
  subscribe?: Array<string | Uint8Array>;
  /** Python peer only: a CURVE client (Z85 keys). */
  curveServerKey?: string;
  curvePublicKey?: string;
  curveSecretKey?: string;
  /** Python peer only: a CURVE server (with curveSecretKey). */
  curveServer?: boolean;
  /** Python peer only: a PLAIN client. */
  plainUsername?: string;
  plainPassword?: string;
  /** Python peer only: a PLAIN server, its users checked by pyzmq's ThreadAuthenticator. */
  plainServer?: Record<string, string>;
}

type Reply = { ok: boolean; error?: string; endpoint?: string; frames?: string[]; timeout?: true };
type Waiter = { resolve: (r: Reply) => void; reject: (e: Error) => void };

const CALL_LIMIT_MS = 5000;
const EXIT_LIMIT_MS = 3000;

const b64 = (part: string | Uint8Array): string => Buffer.from(part).toString("base64");

/** A running peer process. */
export class Peer {
  readonly spec: PeerSpec;
  /** What the peer said about itself when it came up (library versions). */
  readonly versions: string;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #exited: Promise<void>;
  readonly #waiters: Waiter[] = [];
  #stderr = "";
  #gone: Error | undefined;
  #sockets = 0;

  private constructor(
    spec: PeerSpec,
    child: ChildProcessWithoutNullStreams,
    exited: Promise<void>,
    versions: string,
  ) {
    this.spec = spec;
    this.#child = child;
    this.#exited = exited;
    this.versions = versions;
  }

  /** Starts the peer and waits for its ready line. */
  static async start(spec: PeerSpec): Promise<Peer> {
    const child = spawn(spec.command, [...spec.args], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // A spawn failure also emits "exit" (or never started): reported through the ready wait.
    child.on("error", () => {});
    const lines = readline.createInterface({ input: child.stdout });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const ready = await new Promise<Reply & { versions?: string }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${spec.name} peer: no ready line within ${CALL_LIMIT_MS} ms ${stderr}`));
      }, CALL_LIMIT_MS);
      lines.once("line", (line) => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Reply & { versions?: string });
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${spec.name} peer exited (${code}) before it was ready: ${stderr}`));
      });
      child.once("error", (e) => {
        clearTimeout(timer);
        reject(new Error(`${spec.name} peer could not start: ${e.message}`));
      });
    });
    const peer = new Peer(spec, child, exited, ready.versions ?? "?");
    peer.#stderr = stderr;
    child.stderr.on("data", (d: Buffer) => (peer.#stderr += d.toString()));
    lines.on("line", (line) => peer.#waiters.shift()?.resolve(JSON.parse(line) as Reply));
    child.once("exit", (code, signal) => {
      peer.#gone = new Error(`${spec.name} peer exited (${code ?? signal}): ${peer.#stderr}`);
      for (const waiter of peer.#waiters.splice(0)) waiter.reject(peer.#gone);
    });
    return peer;
  }

  async #call(cmd: Record<string, unknown>, limit = CALL_LIMIT_MS): Promise<Reply> {
    if (this.#gone !== undefined) throw this.#gone;
    let timer: NodeJS.Timeout | undefined;
    const reply = new Promise<Reply>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      timer = setTimeout(() => {
        const e = new Error(`${this.spec.name} peer: no reply to ${cmd.op} within ${limit} ms`);
        // The protocol is out of step now: the peer is useless, so end it.
        this.#gone = e;
        this.#child.kill("SIGKILL");
        reject(e);
      }, limit);
    });
    this.#child.stdin.write(JSON.stringify(cmd) + "\n");
    try {
      const r = await reply;
      if (!r.ok) throw new Error(`${this.spec.name} peer: ${cmd.op} failed: ${r.error}`);
      return r;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Opens a socket on the peer; resolves with its id and resolved endpoint. */
  async open(type: string, opts: OpenOptions): Promise<{ id: string; endpoint: string }> {
    const id = `s${++this.#sockets}`;
    const { subscribe, ...rest } = opts;
    const cmd = { op: "open", id, type, ...rest, subscribe: (subscribe ?? []).map(b64) };
    const r = await this.#call(cmd);
    return { id, endpoint: r.endpoint! };
  }

  async send(id: string, frames: Array<string | Uint8Array>): Promise<void> {
    await this.#call({ op: "send", id, frames: frames.map(b64) });
  }

  /** One message, or `undefined` when none arrived within `ms`. */
  async tryRecv(id: string, ms: number): Promise<Buffer[] | undefined> {
    const r = await this.#call({ op: "recv", id, timeout: ms }, ms + CALL_LIMIT_MS);
    return r.timeout ? undefined : r.frames!.map((f) => Buffer.from(f, "base64"));
  }

  /** One message; fails the test when none arrived within `ms`. */
  async recv(id: string, ms = 3000): Promise<Buffer[]> {
    const frames = await this.tryRecv(id, ms);
    if (frames === undefined)
      throw new Error(`${this.spec.name} peer: nothing on ${id} in ${ms} ms`);
    return frames;
  }

  async subscribe(id: string, topic: string | Uint8Array): Promise<void> {
    await this.#call({ op: "subscribe", id, topic: b64(topic) });
  }

  async unsubscribe(id: string, topic: string | Uint8Array): Promise<void> {
    await this.#call({ op: "unsubscribe", id, topic: b64(topic) });
  }

  /** Closes one socket on the peer (linger 0). */
  async close(id: string): Promise<void> {
    await this.#call({ op: "close", id });
  }

  /** Closes every socket the peer has open (linger 0). */
  async closeAll(): Promise<void> {
    await this.#call({ op: "closeAll" });
  }

  /** Freezes the peer (SIGSTOP): its sockets stay open but nothing answers, as a hung peer. */
  pause(): void {
    this.#child.kill("SIGSTOP");
  }

  /** Thaws a paused peer (SIGCONT). */
  resume(): void {
    this.#child.kill("SIGCONT");
  }

  /** Asks the peer to exit; kills it if it does not, and waits until it has exited. */
  async stop(): Promise<void> {
    if (this.#gone === undefined) {
      this.#child.stdin.end(JSON.stringify({ op: "exit" }) + "\n");
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">(
      (resolve) => (timer = setTimeout(resolve, EXIT_LIMIT_MS, "late")),
    );
    const how = await Promise.race([this.#exited.then(() => "exited" as const), late]);
    clearTimeout(timer);
    if (how === "late") {
      this.#child.kill("SIGKILL");
      await this.#exited;
    }
  }
}
