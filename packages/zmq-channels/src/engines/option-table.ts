// zeromq.js's socket options, the one table both engines read: zeromq.js defines each option as
// an accessor on the socket class's prototype (its defineOpt), a getter when the option can be
// read and a setter when it can be written.

/**
 * Accessors of zeromq.js's sockets that are not ZeroMQ options: its monitor, its state and its
 * context. Read through get(), they made a monitor (events) or failed in libzmq's words on the
 * native engine; they are unknown options on both engines.
 */
const NOT_OPTIONS: ReadonlySet<string> = new Set([
  "events",
  "closed",
  "readable",
  "writable",
  "context",
]);

/** The accessor for `name` on `proto` or a prototype above it (Object.prototype excluded). */
export function optionDescriptor(
  proto: object | null,
  name: string,
): PropertyDescriptor | undefined {
  if (NOT_OPTIONS.has(name)) return undefined;
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** Whether option `name` can be read, and written, on `proto`'s sockets; undefined: no option. */
export function optionAccess(
  proto: object | null,
  name: string,
): { read: boolean; write: boolean } | undefined {
  const d = optionDescriptor(proto, name);
  if (d === undefined || (d.get === undefined && d.set === undefined)) return undefined;
  return { read: d.get !== undefined, write: d.set !== undefined };
}
