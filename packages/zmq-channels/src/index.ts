// The public surface of @sluice/zmq-channels, in the order of the API contract.

// messages
export type { Frame, Message, Part } from "./frames";

// the pump
export { Pump } from "./pump";
export type { PumpStats, PumpEngine } from "./pump";
export type { EngineName, SocketEvent } from "./engine";
export type { SocketStats } from "./bridge";
export type { SocketOptions, KindOptions, RegisterChannels } from "./options";
export type { Sockets } from "./sockets";
export type { Filter, SocketControl } from "./control";
export type { Kind, SocketClasses } from "./kinds";

// security
export { curveKeyPair, type CurveKeyPair, type ZapOptions, type ZapRequest } from "./zap";

// failures
export { PumpError } from "./errors";
export type { PumpErrorInit } from "./errors";

// request and reply
export { requester, type Requester, type RequesterOptions, type RequestOptions } from "./requester";
export { serve, type Handler, type ServeOptions } from "./serve";
export { TimeoutError } from "./reqrep";
