// A user's ES module: named imports from the installed packages, one select, one PUSH→PULL
// round trip over a pump. Prints one JSON line for packed.test.ts to check. The packages'
// READMEs quote its regions (checked by examples/test/guide.test.ts).
import * as channels from "@sluice/channels";
import { chan, select, Channel } from "@sluice/channels";
import * as zmqChannels from "@sluice/zmq-channels";
import { Pump } from "@sluice/zmq-channels";

// #region channels
const idle = chan(); // unbuffered: a take waits for a put
const ready = chan(1); // room for one value
await ready.put("ready");
// Whichever operation can complete first wins; the others do nothing.
const { channel, value } = await select([idle, ready]); // ready, "ready"
// #endregion channels

// #region zmq
const pump = new Pump();
const pull = await pump.socket("pull", { bind: "tcp://127.0.0.1:*" });
const push = await pump.socket("push", { connect: pull.endpoints[0] });
await push.send.put("over the pump");
const message = await pull.recv.take(); // [<Buffer 6f 76 65 72 ...>]: a message is its frames
await pump.close();
// #endregion zmq

// The names that hold something. Node adds `default` (module.exports) and `__esModule` to a
// CommonJS module's named exports.
const userNames = (ns) =>
  Object.keys(ns).filter((k) => k !== "default" && k !== "__esModule" && ns[k] !== undefined);

console.log(
  JSON.stringify({
    selected: channel === ready ? value : "the wrong channel",
    received: message.map(String),
    recvIsChannel: pull.recv instanceof Channel,
    exports: {
      "@sluice/channels": userNames(channels),
      "@sluice/zmq-channels": userNames(zmqChannels),
    },
  }),
);
