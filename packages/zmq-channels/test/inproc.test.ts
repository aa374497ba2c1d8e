// inproc across engines (engines/inproc.ts, P39): each engine has its own libzmq context, so
// an inproc endpoint connects sockets of one engine only. Between pumps of one engine it
// works; a bind or connect to an endpoint that the other engine's sockets use fails at the
// call, naming the endpoint and both engines, instead of waiting for ever.
import * as zmq from "zeromq";
import { Pump } from "@sluice/zmq-channels";
import { loadNative } from "../src/engines/native";
import { address, takeWithin, text, within } from "./helpers";

const native = loadNative();
if ("error" in native) console.log(`inproc across engines: skipped, ${native.error}`);
const describeBoth = "error" in native ? describe.skip : describe;

let pumps: Pump[] = [];
let raw: zmq.Socket[] = [];
function pumpOf(engine: "native" | "zeromq"): Pump {
  const p = new Pump({ engine });
  pumps.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pumps.map((p) => p.close()));
  for (const s of raw) s.close();
  pumps = [];
  raw = [];
});

describeBoth("inproc between the two engines", () => {
  it("works between pumps of one engine, on each engine", async () => {
    for (const engine of ["native", "zeromq"] as const) {
      const endpoint = address("inproc");
      const pull = await pumpOf(engine).socket("pull", { bind: endpoint });
      const push = await pumpOf(engine).socket("push", { connect: endpoint });
      await push.send.put(engine);
      expect(text(await takeWithin(pull.recv))).toEqual([engine]);
    }
  });

  it.each([
    ["native", "zeromq"],
    ["zeromq", "native"],
  ] as const)(
    "refuses a %s connect to an endpoint bound on the %s engine, naming both",
    async (connecting, binding) => {
      const endpoint = address("inproc");
      await pumpOf(binding).socket("pull", { bind: endpoint });
      const refused = pumpOf(connecting).socket("push", { connect: endpoint });
      await expect(within(refused, 1000, "the refusal")).rejects.toThrow(
        `connect("${endpoint}"): ${endpoint} is bound by a socket of the ${binding} engine, ` +
          `and this socket is on the ${connecting} engine`,
      );
    },
  );

  it("refuses a bind where the other engine connected first (inproc may connect before bind)", async () => {
    const endpoint = address("inproc");
    await pumpOf("native").socket("push", { connect: endpoint });
    await expect(pumpOf("zeromq").socket("pull", { bind: endpoint })).rejects.toThrow(
      /is connected by a socket of the native engine, and this socket is on the zeromq engine/,
    );
  });

  it("refuses the control calls too, and the socket goes on working", async () => {
    const endpoint = address("inproc");
    await pumpOf("zeromq").socket("pull", { bind: endpoint });
    const natives = pumpOf("native");
    const pull = await natives.socket("pull", { bind: address("inproc") });
    const push = await natives.socket("push", { connect: pull.endpoints[0] });
    await expect(push.connect(endpoint)).rejects.toThrow(
      new RegExp(
        `^connect\\("${endpoint}"\\): ${endpoint} is bound by a socket of the zeromq engine`,
      ),
    );
    await expect(pull.bind(endpoint)).rejects.toThrow(/zeromq engine/);
    expect(push.endpoints).toEqual([pull.endpoints[0]]);
    await push.send.put("still");
    expect(text(await takeWithin(pull.recv))).toEqual(["still"]);
  });

  it("sees a registered zeromq.js socket's endpoint, both ways", async () => {
    const router = new zmq.Router({ linger: 0 });
    raw.push(router);
    const endpoint = address("inproc");
    await router.bind(endpoint);
    pumpOf("native").register(router); // register() keeps zeromq.js sockets on "zeromq"
    await expect(pumpOf("native").socket("dealer", { connect: endpoint })).rejects.toThrow(
      `${endpoint} is used by a socket of the zeromq engine`,
    );

    const taken = address("inproc");
    await pumpOf("native").socket("pull", { bind: taken });
    const dealer = new zmq.Dealer({ linger: 0 });
    raw.push(dealer);
    dealer.connect(taken);
    expect(() => pumpOf("zeromq").register(dealer)).toThrow(
      `register("${taken}"): ${taken} is bound by a socket of the native engine`,
    );
    expect(() => pumpOf("zeromq").register(dealer)).toThrow(/native engine/); // not adopted
  });

  it("lets the endpoint go when the socket closes or unbinds", async () => {
    const closes = address("inproc");
    const unbinds = address("inproc");
    const zeromqs = pumpOf("zeromq");
    const first = await zeromqs.socket("pull", { bind: closes });
    const second = await zeromqs.socket("pull", { bind: address("inproc") });
    await second.bind(unbinds);
    await second.unbind(unbinds);
    first.send.close();
    await first.closed;
    const natives = pumpOf("native");
    for (const endpoint of [closes, unbinds]) {
      const pull = await natives.socket("pull", { bind: endpoint });
      const push = await natives.socket("push", { connect: endpoint });
      await push.send.put("now native");
      expect(text(await takeWithin(pull.recv))).toEqual(["now native"]);
    }
  });

  it("leaves ipc and tcp alone: they work across engines", async () => {
    const pull = await pumpOf("zeromq").socket("pull", { bind: address("tcp") });
    const push = await pumpOf("native").socket("push", { connect: pull.endpoints[0] });
    await push.send.put("across");
    expect(text(await takeWithin(pull.recv))).toEqual(["across"]);
  });
});
