import { chan, map } from "@sluice/channels";
test("probe", async () => {
  const seen: unknown[] = [];
  const h = (e: unknown) => seen.push(e);
  process.on("unhandledRejection", h);
  const src = chan<number>(1);
  const out = map(src, () => { throw new Error("boom"); });
  await src.put(1);
  expect(await out.take()).toBeUndefined();
  await new Promise((r) => setImmediate(r));
  process.off("unhandledRejection", h);
  expect(seen).toHaveLength(1);
});
