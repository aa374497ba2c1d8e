// NODE_DEBUG=sluice: the pump's lifecycle on stderr (Node's util.debuglog): which engine runs,
// sockets opened and closed, what a close waits for, errors. Off, it costs one boolean test.
import { debuglog } from "node:util";

/** Logs when NODE_DEBUG names sluice; `debug.enabled` says whether it does. */
export const debug = debuglog("sluice");
