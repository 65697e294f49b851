// The Wasm entry of the protocol core (AssemblyScript only, not compiled by tsc): one
// system per instance, driven through exported functions that take and return bytes.
/// <reference path="./portable.d.ts" />

import { System } from "./system.js";

let sys: System | null = null;

function get(): System {
  const s = sys;
  if (s === null) throw new Error("protocol: init() first");
  return s;
}

export function init(config: Uint8Array): void {
  sys = new System(config);
}

export function taskOffer(task: i32, offers: Uint8Array, internal: bool): Uint8Array {
  return get().taskOffer(task, offers, internal);
}

export function taskReceive(task: i32, bytes: Uint8Array): Uint8Array {
  return get().taskReceive(task, bytes);
}

export function taskCanMoveAlone(task: i32): bool {
  return get().taskCanMoveAlone(task);
}

export function taskMoveAlone(task: i32): Uint8Array {
  return get().taskMoveAlone(task);
}

export function taskFlush(task: i32): Uint8Array {
  return get().taskFlush(task);
}

export function managerReceive(manager: i32, bytes: Uint8Array): Uint8Array {
  return get().managerReceive(manager, bytes);
}

export function managerAborts(manager: i32): i32 {
  return get().managerAborts(manager);
}

export function fingerprint(): Uint8Array {
  return get().fingerprint();
}
