// The byte-level face of the protocol core that the simulator drives. The same System
// class serves directly as the JS build (compiled by tsc) and, compiled by asc, as the
// Wasm build (see wasm-core.ts): both must produce the same bytes for the same inputs.

import { System } from "../../runtime-as/protocol/system.js";

export interface ProtocolCore {
  taskOffer(task: number, offers: Uint8Array, internal: boolean): Uint8Array;
  taskReceive(task: number, bytes: Uint8Array): Uint8Array;
  taskCanMoveAlone(task: number): boolean;
  taskMoveAlone(task: number): Uint8Array;
  managerReceive(manager: number, bytes: Uint8Array): Uint8Array;
  managerAborts(manager: number): number;
  fingerprint(): Uint8Array;
}

export type CoreFactory = (config: Uint8Array) => ProtocolCore;

export const jsCore: CoreFactory = (config) => new System(config);
