// The `send` channel the pump creates: it refuses, at the put, what the socket could never send,
// and carries transmissions (`sockets.transmit`) in their place among the puts.
import { Channel } from "@sluice/channels";
import { framingProblem, messageProblem, type Message } from "./frames";
import type { KindInfo } from "./kinds";
import { Transmission } from "./transmission";

export class SendChannel extends Channel<Message> {
  readonly #info: KindInfo;

  constructor(info: KindInfo, buffer: number) {
    super(buffer);
    this.#info = info;
  }

  protected override validate(value: unknown): void {
    if (value instanceof Transmission) return; // transmit(): checked at its own call
    super.validate(value);
    const kind = this.#info.kind;
    if (!this.#info.canSend) {
      throw new TypeError(
        `a ${kind} socket cannot send: its send channel only closes the socket (close() it)`,
      );
    }
    const problem = messageProblem(value) ?? framingProblem(this.#info.framing, value as Message);
    if (problem !== undefined) throw new TypeError(`send on a ${kind} socket: ${problem}`);
  }
}
