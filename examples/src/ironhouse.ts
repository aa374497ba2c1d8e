// ironhouse: the ZeroMQ guide's Ironhouse pattern (chapter 5's "Securing ZeroMQ", ironhouse.c):
// CURVE encryption, and a server that lets in only the clients whose public keys it knows.
// The guide's C version starts a zauth actor with a certificate store; here the ZAP handler is
// a channel (pump.zap()), and the store a Set of Z85 public keys that the loop checks.
//
//   node dist/ironhouse.js [--messages 3]
import { curveKeyPair, Pump } from "@sluice/zmq-channels";
import { timeout, select } from "@sluice/channels";
import { countFlag, runAsProgram, type Program } from "./cli";

export interface IronhouseOptions {
  /** How many messages the server pushes to each client it let in (default 3). */
  messages?: number | undefined;
}

export interface IronhouseResult {
  /** What the known client received, in order. */
  received: string[];
  /** What the client with an unknown key received (nothing). */
  strangerReceived: string[];
  /** The handshakes the ZAP handler saw: [allowed or denied, mechanism]. */
  decisions: Array<[string, string]>;
}

export async function main(opts: IronhouseOptions = {}): Promise<IronhouseResult> {
  const messages = countFlag("messages", opts.messages) ?? 3;
  const pump = new Pump();

  // #region ironhouse
  // Every key pair is made here; in real life each side keeps its secret key to itself and
  // the server's public key and the clients' public keys are handed out beforehand.
  const server = curveKeyPair();
  const client = curveKeyPair();
  const stranger = curveKeyPair();
  const known = new Set([client.publicKey]);

  // The ZAP handler: each handshake is a request; allow only known public keys.
  const decisions: Array<[string, string]> = [];
  const authenticating = (async () => {
    for await (const request of pump.zap()) {
      const allowed = request.mechanism === "CURVE" && known.has(request.publicKey!);
      decisions.push([allowed ? "allowed" : "denied", request.mechanism]);
      if (allowed) request.allow();
      else request.deny(400, "unknown key");
    }
  })();

  // The server: a CURVE server that asks the ZAP handler (zapEnforceDomain: deny when no
  // handler answers, rather than libzmq 4.3's default of letting CURVE clients in).
  const push = await pump.socket("push", {
    bind: "tcp://127.0.0.1:*",
    options: {
      curveServer: true,
      curveSecretKey: server.secretKey,
      zapDomain: "ironhouse",
      zapEnforceDomain: true,
    },
  });

  // A client knows the server's public key, and has its own key pair.
  const pullWith = (keys: { publicKey: string; secretKey: string }) =>
    pump.socket("pull", {
      connect: push.endpoints[0],
      options: {
        curveServerKey: server.publicKey,
        curvePublicKey: keys.publicKey,
        curveSecretKey: keys.secretKey,
      },
    });
  const pull = await pullWith(client);
  const strangerPull = await pullWith(stranger);
  // #endregion ironhouse

  for (let i = 0; i < messages; i++) await push.send.put(`Security is not a state of mind ${i}`);
  const received: string[] = [];
  for (let i = 0; i < messages; i++) received.push((await pull.recv.take())![0]!.toString());
  // The stranger's connection never completes its handshake: nothing for it, ever.
  const strangerReceived: string[] = [];
  const waited = await select([strangerPull.recv, timeout(200)]);
  if (waited.channel === strangerPull.recv && waited.value !== undefined) {
    strangerReceived.push(waited.value[0]!.toString());
  }

  await pump.close();
  await authenticating;
  return { received, strangerReceived, decisions };
}

export const program: Program<IronhouseOptions> = {
  about: "ironhouse: CURVE, and a ZAP handler (pump.zap()) that lets in only known client keys",
  flags: { messages: ["n", "messages the server pushes (default 3)"] },
};

runAsProgram(module, main, program, (result) => {
  for (const line of result.received) console.log(`client: ${line}`);
  console.log(`stranger: ${result.strangerReceived.length} messages`);
  for (const [decision, mechanism] of result.decisions)
    console.log(`zap: ${mechanism} ${decision}`);
});
