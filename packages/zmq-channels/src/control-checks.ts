// The argument checks of the control calls (control.ts): each returns what it checked, or
// throws a TypeError naming the call and what is wrong, before anything is queued.
import type { EngineSocket } from "./engine";
import { checkOpts, describeValue, groupTooLong } from "./frames";
import type { KindInfo } from "./kinds";
import { REFUSED } from "./options";

/** subscribe/unsubscribe/join/leave: topics or groups, at least one, on a kind that has them. */
export function checkFilters(
  kind: string,
  call: string,
  allowed: boolean,
  only: string,
  list: unknown[],
): Array<string | Buffer> {
  if (!allowed) throw new TypeError(`${call}(): a ${kind} socket cannot ${call} (only ${only})`);
  const groups = only === "dish";
  if (list.length === 0) {
    throw new TypeError(
      groups
        ? `${call}(): no group given (give at least one)`
        : `${call}(): no topic given (give at least one; "" is everything)`,
    );
  }
  list.forEach((t, i) => {
    if (typeof t !== "string" && !Buffer.isBuffer(t)) {
      throw new TypeError(
        `${call}(): argument ${i + 1} must be a string or Buffer, got ${describeValue(t)}`,
      );
    }
    const tooLong = groups ? groupTooLong(t) : undefined;
    if (tooLong !== undefined) throw new TypeError(`${call}(): argument ${i + 1} is ${tooLong}`);
  });
  return list as Array<string | Buffer>;
}

/** bind/unbind/connect/disconnect: a non-empty string. */
export function checkEndpoint(call: string, value: unknown): string {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(
      `${call}(endpoint): endpoint must be a non-empty string, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** connect's `opts`: an object; its routingId, on a kind that routes. */
export function checkRoutingId(
  info: KindInfo,
  opts: { routingId?: string | undefined } | undefined,
): string | undefined {
  const kind = info.kind;
  if (opts !== undefined) checkOpts("connect(endpoint, opts)", opts, ["routingId"]);
  const routingId = opts?.routingId;
  if (routingId !== undefined) {
    if (info.connectRoutingId !== true) {
      throw new TypeError(
        `connect(endpoint, opts): opts.routingId is for a router or stream, not a ${kind}`,
      );
    }
    if (typeof routingId !== "string" || routingId === "") {
      throw new TypeError(
        `connect(endpoint, opts): opts.routingId must be a non-empty string, got ${describeValue(routingId)}`,
      );
    }
    // ZeroMQ's routing ids are 1 to 255 bytes, as the `routingId` option checks at socket()
    if (Buffer.byteLength(routingId) > 255) {
      throw new TypeError(
        `connect(endpoint, opts): opts.routingId takes at most 255 bytes, got ${Buffer.byteLength(routingId)}`,
      );
    }
  }
  return routingId;
}

// Checks an option name for get/set; throws a TypeError naming what is wrong.
export function checkOption(
  info: KindInfo,
  engine: EngineSocket,
  call: "get" | "set",
  option: unknown,
  need: "read" | "write",
): string {
  const kind = info.kind;
  if (typeof option !== "string") {
    throw new TypeError(`${call}(option): option must be a string, got ${describeValue(option)}`);
  }
  if (option === "sendTimeout") return option; // the pump's own: how long a send may block (P6)
  const access = engine.access(option);
  if (access === undefined) {
    throw new TypeError(
      `${call}("${option}"): unknown option for a ${kind} socket ` +
        `(option names are zeromq.js v6's, e.g. sendHighWaterMark, linger, routingId)`,
    );
  }
  const refused: Readonly<Record<string, string>> = { ...REFUSED, ...info.refuses };
  if (Object.prototype.hasOwnProperty.call(refused, option)) {
    throw new TypeError(`${call}("${option}"): option "${option}" ${refused[option]}`);
  }
  if (!access[need]) {
    throw new TypeError(
      `${call}("${option}"): option "${option}" is ${need === "read" ? "write-only" : "read-only"} on a ${kind} socket`,
    );
  }
  if (call === "set" && option === info.freesSending) {
    throw new TypeError(
      `set("${option}"): option "${option}" can only be given to socket() ` +
        `(the pump's lockstep follows it from the start)`,
    );
  }
  return option;
}
