// Every channel library in the run, sluice first and the floor second (the order of the table).
import type { ChannelLib } from "./lib";
import { asyncChannel } from "./libs/asyncChannel";
import { floor } from "./libs/floor";
import { jscsp } from "./libs/jscsp";
import { medium } from "./libs/medium";
import { repeater } from "./libs/repeater";
import { sluice } from "./libs/sluice";
import { thing } from "./libs/thing";

export const LIBS: readonly ChannelLib[] = [
  sluice,
  floor,
  medium,
  thing,
  asyncChannel,
  repeater,
  jscsp,
];

export function libNamed(name: string): ChannelLib {
  const lib = LIBS.find((l) => l.name === name);
  if (lib === undefined) throw new Error(`no channel library named ${JSON.stringify(name)}`);
  return lib;
}
