// The shared pingpong model (../shared/models/pingpong.lnt) by hand, for the protocol
// engine: PINGER [PING, PONG] (rounds) on one node, PONGER on another, gates PING (0) and
// PONG (1) negotiated by manager 0. Values are one byte of type 0 (0..255).

import { GUARD_NONE, Offer, Position } from "../../runtime-as/protocol/index.js";
import type { SystemLayout, TaskDriver } from "../../host/node-engine-js.js";

export function pingpongLayout(pingerNode: string, pongerNode: string, managerNode: string): SystemLayout {
  const gates = ["PING", "PONG"];
  return {
    taskCount: 2,
    taskNode: [pingerNode, pongerNode],
    gateManager: [0, 0],
    managers: [{ node: managerNode, gates: [0, 1], vectors: [[[0, 1]], [[0, 1]]] }],
    taskNames: ["PINGER", "PONGER"],
    label: (g, values) => [gates[g]!, ...values.map((v) => `!${v[0]}`)].join(" "),
  };
}

const emit = (gate: number, v: number): Offer => new Offer(0, gate, GUARD_NONE, new Uint8Array(0), [Position.emitted(Uint8Array.of(v))]);
const recv = (gate: number): Offer => new Offer(0, gate, GUARD_NONE, new Uint8Array(0), [Position.received(0)]);

export class Pinger implements TaskDriver {
  n = 0;
  phase = 0;
  done = 0;
  constructor(readonly rounds: number) {}
  offers(): { offers: Offer[]; internal: boolean } {
    if (this.done >= this.rounds) return { offers: [], internal: false };
    return { offers: [this.phase === 0 ? emit(0, this.n & 255) : recv(1)], internal: false };
  }
  fire(_offer: number, values: readonly Uint8Array[]): void {
    if (this.phase === 0) this.phase = 1;
    else {
      this.n = values[0]![0]!;
      this.done++;
      this.phase = 0;
    }
  }
}

export class Ponger implements TaskDriver {
  x = 0;
  phase = 0;
  offers(): { offers: Offer[]; internal: boolean } {
    return { offers: [this.phase === 0 ? recv(0) : emit(1, (this.x + 1) & 255)], internal: false };
  }
  fire(_offer: number, values: readonly Uint8Array[]): void {
    if (this.phase === 0) {
      this.x = values[0]![0]!;
      this.phase = 1;
    } else this.phase = 0;
  }
}
