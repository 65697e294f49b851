// All the tasks and managers of one system behind a byte-only interface: the shape in
// which a host (or the simulator) drives the core, whether it runs as Wasm or as JS.
// Configuration, offers and effects cross the boundary as bytes (see docs/protocol.md).
/// <reference path="./portable.d.ts" />

import { Offer, Reader, Writer, readOffer } from "./codec.js";
import { encodeEffects } from "./effects.js";
import { ManagerConfig, ManagerSide } from "./manager.js";
import { TableOracle } from "./oracle.js";
import { TaskSide } from "./task.js";

/**
 * Config bytes: taskCount, gateCount, gateManager[gateCount], managerCount, then per
 * manager: its gate count and per gate (gate id, vector count, per vector: size, task ids);
 * then typeCount and the size of each type (for the table oracle); then, optionally, the
 * seed of the managers' choices (manager m gets seed + m).
 */
export class System {
  tasks: Array<TaskSide> = new Array<TaskSide>();
  managers: Array<ManagerSide> = new Array<ManagerSide>();

  constructor(config: Uint8Array) {
    const r = new Reader(config);
    const taskCount = r.uint();
    const gateCount = r.uint();
    const gateManager = new Array<i32>();
    for (let g = 0; g < gateCount; g++) gateManager.push(r.uint());
    const managerCount = r.uint();
    const configs = new Array<ManagerConfig>();
    for (let m = 0; m < managerCount; m++) {
      const gates = new Array<i32>();
      const vectors = new Array<Array<Array<i32>>>();
      const ng = r.uint();
      for (let k = 0; k < ng; k++) {
        gates.push(r.uint());
        const vs = new Array<Array<i32>>();
        const nv = r.uint();
        for (let v = 0; v < nv; v++) {
          const vec = new Array<i32>();
          const n = r.uint();
          for (let i = 0; i < n; i++) vec.push(r.uint());
          vs.push(vec);
        }
        vectors.push(vs);
      }
      configs.push(new ManagerConfig(m, taskCount, gates, vectors));
    }
    const sizes = new Array<i32>();
    const nt = r.uint();
    for (let t = 0; t < nt; t++) sizes.push(r.uint());
    const seed = r.pos < config.length ? r.uint() : 1;
    const oracle = new TableOracle(sizes);
    for (let t = 0; t < taskCount; t++) this.tasks.push(new TaskSide(t, gateManager));
    for (let m = 0; m < managerCount; m++) this.managers.push(new ManagerSide(configs[m], oracle, (seed + m * 40503) | 0));
  }

  /** Offers bytes: count, then each offer as in READY. */
  taskOffer(task: i32, offers: Uint8Array, internal: bool): Uint8Array {
    const r = new Reader(offers);
    const list = new Array<Offer>();
    const n = r.uint();
    for (let i = 0; i < n; i++) list.push(readOffer(r));
    return encodeEffects(this.tasks[task].offer(list, internal));
  }

  taskReceive(task: i32, bytes: Uint8Array): Uint8Array {
    return encodeEffects(this.tasks[task].receive(bytes));
  }

  taskCanMoveAlone(task: i32): bool {
    return this.tasks[task].canMoveAlone();
  }

  taskMoveAlone(task: i32): Uint8Array {
    return encodeEffects(this.tasks[task].moveAlone());
  }

  /** Sends the task's deferred refusals now (see TaskSide.flush). */
  taskFlush(task: i32): Uint8Array {
    return encodeEffects(this.tasks[task].flush());
  }

  managerReceive(manager: i32, bytes: Uint8Array): Uint8Array {
    return encodeEffects(this.managers[manager].receive(bytes));
  }

  /** Managers' proposals given up because a participant had moved on. */
  managerAborts(manager: i32): i32 {
    return this.managers[manager].aborted;
  }

  fingerprint(): Uint8Array {
    const w = new Writer();
    for (let t = 0; t < this.tasks.length; t++) this.tasks[t].fingerprint(w);
    for (let m = 0; m < this.managers.length; m++) this.managers[m].fingerprint(w);
    return w.finish();
  }
}
