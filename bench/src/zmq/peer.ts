// The other process of the ipc/tcp measurements. The parent forks it once for the whole group
// (`Peer.start()`), sends it commands over the IPC channel, and kills it at the end; it also
// exits on its own when the parent goes away, so it can never outlive the run.
import { fork, type ChildProcess } from "node:child_process";
import { plain } from "./plain";
import { pump } from "./pump";
import { fastPath } from "./fastpath";
import { bulk } from "./bulk";
import { native } from "./native";
import type {
  CeilingName,
  Closer,
  PushPull,
  RouterEnd,
  Server,
  Variant,
  VariantName,
} from "./variant";

export type Command =
  | {
      op: "push";
      variant: VariantName | CeilingName;
      endpoint: string;
      n: number;
      size: number;
    }
  | { op: "pushes"; variant: VariantName; endpoints: string[]; n: number; size: number }
  | { op: "echo"; variant: VariantName; kind: "rep" | "router"; bind: string }
  | { op: "router"; variant: VariantName; bind: string }
  | { op: "routerRun"; handle: number; n: number; size: number; duplex: boolean }
  | { op: "close"; handle: number };

export interface Reply {
  endpoint?: string;
  handle?: number;
  /** what the peer received, in a duplex run */
  sum?: number;
}

export const VARIANTS: Record<VariantName, Variant> = {
  "sluice native": native,
  "sluice on zeromq.js": pump,
  "plain zeromq.js": plain,
};

/** Every variant that can run the PUSH→PULL rows, the fast-path ceiling included. */
export const PUSH_PULL: Record<VariantName | CeilingName, PushPull> = {
  ...VARIANTS,
  "zeromq.js fast path": fastPath,
  "sluice native, bulk loops": bulk,
};

// ---- the child's side

const handles = new Map<number, Server | RouterEnd | Closer>();
let nextHandle = 1;

async function serve(c: Command): Promise<Reply> {
  switch (c.op) {
    case "push":
    case "pushes": {
      const sender =
        c.op === "push"
          ? await PUSH_PULL[c.variant].push(c.endpoint, c.n, c.size)
          : await VARIANTS[c.variant].pushes(c.endpoints, c.n, c.size);
      handles.set(nextHandle, sender);
      return { handle: nextHandle++ };
    }
    case "echo": {
      const s = await VARIANTS[c.variant].echo(c.kind, c.bind);
      handles.set(nextHandle, s);
      return { endpoint: s.endpoint, handle: nextHandle++ };
    }
    case "router": {
      const r = await VARIANTS[c.variant].router(c.bind);
      handles.set(nextHandle, r);
      return { endpoint: r.endpoint, handle: nextHandle++ };
    }
    case "routerRun": {
      const r = handles.get(c.handle) as RouterEnd;
      const id = await r.peer();
      if (!c.duplex) {
        await r.send(id, c.n, c.size);
        return {};
      }
      const [, got] = await Promise.all([r.send(id, c.n, c.size), r.receive(c.n)]);
      return { sum: got.sum };
    }
    case "close": {
      const h = handles.get(c.handle);
      handles.delete(c.handle);
      await h?.close();
      return {};
    }
  }
}

if (require.main === module) {
  process.on("disconnect", () => process.exit(0));
  process.on("message", (m: { id: number; command: Command }) => {
    serve(m.command).then(
      (reply) => process.send!({ id: m.id, reply }),
      (e: unknown) =>
        process.send!({ id: m.id, error: e instanceof Error ? e.message : String(e) }),
    );
  });
}

// ---- the parent's side

export class Peer {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  #next = 1;
  #exited: Promise<void>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on("message", (m: { id: number; reply?: Reply; error?: string }) => {
      const w = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(`peer: ${m.error}`));
      else w?.resolve(m.reply ?? {});
    });
    this.#exited = new Promise((resolve) =>
      child.on("exit", (code, signal) => {
        for (const w of this.#waiting.values())
          w.reject(new Error(`peer exited (${code ?? signal})`));
        this.#waiting.clear();
        resolve();
      }),
    );
  }

  static start(): Peer {
    return new Peer(fork(__filename, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }

  /** The child's process id (probe.js threads reads its threads' CPU times). */
  get pid(): number {
    return this.#child.pid!;
  }

  request(command: Command): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#waiting.set(id, { resolve, reject });
      this.#child.send({ id, command });
    });
  }

  /** kills the child and waits until it is gone */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null)
      this.#child.kill("SIGKILL");
    await this.#exited;
  }
}
