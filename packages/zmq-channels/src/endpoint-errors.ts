// What libzmq's refusal of an endpoint call (bind, unbind, connect, disconnect) or of a DISH's
// join or leave becomes, the same on both engines, wherever it is made: `socket()`'s bind,
// connect and join, and the Sockets' control calls. The engines differ in libzmq's text
// ("zmq_unbind: No such file or directory" against "No such endpoint") and name no endpoint;
// a user with many sockets needs both the call and the endpoint, and a malformed endpoint is a
// bad argument (API.md: a TypeError).

import { codeOf, reasonOf } from "./errors";

/** Runs an engine's bind/unbind/connect/disconnect, its refusal made an endpointError. */
export function endpointCall<T>(
  call: string,
  kind: string,
  endpoint: string,
  op: (endpoint: string) => T,
): T {
  const port = portProblem(endpoint);
  if (port !== undefined) {
    const e = new TypeError(`${call}("${endpoint}"): ${port}`);
    throw Object.assign(e, { code: "EINVAL", address: endpoint });
  }
  let result: T;
  try {
    result = op(endpoint);
  } catch (e) {
    throw endpointError(call, kind, endpoint, e);
  }
  if (!(result instanceof Promise)) return result;
  return result.catch((e: unknown) => {
    throw endpointError(call, kind, endpoint, e);
  }) as T;
}

// libzmq reads a tcp or udp port with strtoul and keeps 16 bits: ":99999" bound port 34463,
// ":-1" port 65535, ":5555x" port 5555. A port that starts like a number must be one from 0 to
// 65535 (or "*"); anything else is left to libzmq's own parse. tcp's "source;destination" form
// has a port on each side.
function portProblem(endpoint: string): string | undefined {
  const m = /^(tcp|udp):\/\/(.*)$/i.exec(endpoint);
  if (m === null) return undefined;
  for (const address of m[2]!.split(";")) {
    const colon = address.lastIndexOf(":");
    const port = address.slice(colon + 1);
    if (colon < 0 || !/^[-+]?\d/.test(port) || port.includes("]")) continue;
    if (!/^\d+$/.test(port) || Number(port) > 65535) {
      return `the port must be a number from 0 to 65535 or *, got "${port}" (libzmq would use another)`;
    }
  }
  return undefined;
}

/**
 * What libzmq's refusal of bind/unbind/connect/disconnect becomes, the same on both engines:
 * an endpoint libzmq cannot parse, whose transport it lacks or this kind cannot use, or that
 * is none of the socket's own (unbind, disconnect) is a bad argument (a TypeError); what
 * depends on the world (the address is in use, no ipc directory) an Error. Both name the call
 * and the endpoint, and keep libzmq's code, errno and the cause.
 */
export function endpointError(call: string, kind: string, endpoint: string, e: unknown): Error {
  const code = (e as { code?: unknown } | undefined)?.code;
  const errno = (e as { errno?: unknown } | undefined)?.errno;
  const why = reasonOf(e);
  const scheme = /^([a-z0-9+.-]*):\/\//i.exec(endpoint)?.[1];
  let what: string;
  let bad = true;
  if (code === "EINVAL") {
    what = "not an endpoint zeromq can parse (transport://address, as tcp://127.0.0.1:5555)";
  } else if (code === "EPROTONOSUPPORT") {
    what = `zeromq has no transport "${scheme ?? endpoint}" here`;
  } else if (code === "ENOCOMPATPROTO") {
    what = `the ${scheme ?? "endpoint's"} transport is not compatible with a ${kind} socket's ${call}`;
  } else if (code === "ENOENT" && call === "unbind" && scheme === "udp") {
    what = "libzmq cannot unbind a udp endpoint: close the socket to let it go";
  } else if (code === "ENOENT" && (call === "unbind" || call === "disconnect")) {
    // not one of the socket's own `endpoints`, which the caller can see: a bad argument too
    what =
      `this socket has no such endpoint (${call} takes the address ` +
      `${call === "unbind" ? "bind resolved, as in endpoints" : "it connected to"})`;
  } else {
    bad = false;
    what = code === "ENOENT" ? "no such file or directory" : why;
  }
  const message = `${call}("${endpoint}"): ${what}`;
  const error = bad ? new TypeError(message, { cause: e }) : new Error(message, { cause: e });
  return Object.assign(error, code === undefined ? {} : { code, errno }, { address: endpoint });
}

/**
 * A DISH's join or leave of each group, one at a time, so that libzmq's refusal (EINVAL, the
 * same on both engines but worded by each its own way) names the call and the group.
 */
export function groupCall(
  call: "join" | "leave",
  groups: ReadonlyArray<string | Buffer>,
  op: (group: string | Buffer) => void,
): void {
  for (const group of groups) {
    try {
      op(group);
    } catch (e) {
      const why =
        codeOf(e) !== "EINVAL"
          ? reasonOf(e)
          : call === "join"
            ? "this dish has joined it already"
            : "this dish has not joined it";
      throw Object.assign(new TypeError(`${call}(${JSON.stringify(String(group))}): ${why}`), {
        cause: e,
        code: codeOf(e),
      });
    }
  }
}
