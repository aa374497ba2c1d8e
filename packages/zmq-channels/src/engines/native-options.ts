// The native engine's socket options, read off zeromq.js: zeromq.js defines each option as an
// accessor whose setter calls `this.set<Type>Option(id, value)` (its defineOpt) and whose
// getter calls `this.get<Type>Option(id)`. Run on a recorder, they yield the option's libzmq
// id and type, and its value mapped as zeromq.js maps it: one table for both engines,
// zeromq.js's.
import type { KindInfo } from "../kinds";
import { optionDescriptor } from "./option-table";

export interface OptionCall {
  type: string;
  id: number;
  value: unknown;
}

export function optionSetter(info: KindInfo, name: string): ((value: unknown) => void) | undefined {
  return optionDescriptor(info.Class.prototype, name)?.set;
}

/** What setting `name` to `value` does in libzmq terms; undefined: no such option. */
export function optionCall(info: KindInfo, name: string, value: unknown): OptionCall | undefined {
  const setter = optionSetter(info, name);
  if (setter === undefined) return undefined;
  let call: OptionCall | undefined;
  const recorder = new Proxy(
    {},
    {
      get: (_, key) =>
        typeof key === "string" && /^set\w+Option$/.test(key)
          ? (id: number, v: unknown) => (call = { type: key.slice(3, -6), id, value: v })
          : undefined,
    },
  );
  setter.call(recorder, value);
  return call;
}

/**
 * Reads option `name` as zeromq.js's getter does, each libzmq read (`get<type>Option(id)`) made
 * by `read`, so the getter's own mapping of the value applies; undefined: no getter.
 */
export function optionGet(
  info: KindInfo,
  name: string,
  read: (type: string, id: number) => unknown,
): { value: unknown } | undefined {
  const getter = optionDescriptor(info.Class.prototype, name)?.get;
  if (getter === undefined) return undefined;
  const reader = new Proxy(
    {},
    {
      get: (_, key) =>
        typeof key === "string" && /^get\w+Option$/.test(key)
          ? (id: number) => read(key.slice(3, -6), id)
          : undefined,
    },
  );
  return { value: getter.call(reader) as unknown };
}
