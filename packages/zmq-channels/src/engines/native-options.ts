// The native engine's socket options, read off zeromq.js: zeromq.js defines each option as an
// accessor whose setter calls `this.set<Type>Option(id, value)` (its defineOpt) and whose
// getter calls `this.get<Type>Option(id)`. Run on a recorder, they yield the option's libzmq
// id and type, and its value mapped as zeromq.js maps it: one table for both engines,
// zeromq.js's.
import type { KindInfo } from "../kinds";

export interface OptionCall {
  type: string;
  id: number;
  value: unknown;
}

/** The accessor zeromq.js defines for `name` on `proto` or a prototype above it. */
export function findDescriptor(proto: object | null, name: string): PropertyDescriptor | undefined {
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) return d;
  }
  return undefined;
}

export function optionSetter(info: KindInfo, name: string): ((value: unknown) => void) | undefined {
  for (let p: object | null = info.Class.prototype; p !== null && p !== Object.prototype;) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) return d.set;
    p = Object.getPrototypeOf(p) as object | null;
  }
  return undefined;
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

/** Which libzmq option reading `name` reads, and how; undefined: no getter. */
export function optionRead(info: KindInfo, name: string): { type: string; id: number } | undefined {
  let read: { type: string; id: number } | undefined;
  const recorder = new Proxy(
    {},
    {
      get: (_, key) =>
        typeof key === "string" && /^get\w+Option$/.test(key)
          ? (id: number) => void (read = { type: key.slice(3, -6), id })
          : undefined,
    },
  );
  const d = findDescriptor(info.Class.prototype, name);
  d?.get?.call(recorder);
  return read;
}

/** Whether `name` can be read, and written, on `info`'s kind. */
export function optionAccess(
  info: KindInfo,
  name: string,
): { read: boolean; write: boolean } | undefined {
  for (let p: object | null = info.Class.prototype; p !== null && p !== Object.prototype;) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) {
      if (d.get === undefined && d.set === undefined) return undefined;
      return { read: d.get !== undefined, write: d.set !== undefined };
    }
    p = Object.getPrototypeOf(p) as object | null;
  }
  return undefined;
}
