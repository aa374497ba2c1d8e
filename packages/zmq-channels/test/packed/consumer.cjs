// A user's CommonJS script: require() the installed packages, one select, one PUSH→PULL
// round trip over a pump. Prints one JSON line for packed.test.ts to check.
const { chan, select, Channel } = require("@sluice/channels");
const { Pump } = require("@sluice/zmq-channels");

/** The names that hold something. */
const defined = (exports) => Object.keys(exports).filter((k) => exports[k] !== undefined);

async function main() {
  const idle = chan();
  const ready = chan(1);
  await ready.put("ready");
  const picked = await select([idle, ready]);

  const pump = new Pump();
  const pull = await pump.socket("pull", { bind: "tcp://127.0.0.1:*" });
  const push = await pump.socket("push", { connect: pull.endpoints[0] });
  await push.send.put("over the pump");
  const message = await pull.recv.take();
  await pump.close();

  console.log(
    JSON.stringify({
      selected: picked.channel === ready ? picked.value : "the wrong channel",
      received: message.map(String),
      recvIsChannel: pull.recv instanceof Channel,
      // (each package exports its package.json, as tools that read a version expect)
      versions: ["@sluice/channels", "@sluice/zmq-channels"].map(
        (name) => require(`${name}/package.json`).version,
      ),
      exports: {
        "@sluice/channels": defined(require("@sluice/channels")),
        "@sluice/zmq-channels": defined(require("@sluice/zmq-channels")),
      },
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
