// The oracle: what a manager needs to know about the model's data to agree on values.
// In production it is generated code in the same Wasm as the manager (guards compiled from
// the tasks' `where` clauses and patterns, enumerations of finite types); the simulator
// supplies the table-driven TableOracle below, which is itself portable.
/// <reference path="./portable.d.ts" />

import { Offer, Reader } from "./codec.js";

export abstract class Oracle {
  /**
   * Whether `task`'s offer `offer`, made at `step` (its guard is never 0), accepts the values
   * vector: the patterns of its receptions match and its `where` guard holds, on the data
   * `offer.captured` from the task's variables when it made the offer (or, for a task on the
   * same node, on the task itself while it is still at that step). Must not change anything.
   */
  abstract accepts(task: i32, step: i32, offer: Offer, values: Array<Uint8Array>): bool;
  /** How many values the type has, or -1 when it is too large to enumerate. */
  abstract cardinality(type: i32): i32;
  /** The encoding of the type's i-th value, 0 <= i < cardinality(type). */
  abstract valueAt(type: i32, i: i32): Uint8Array;
  /**
   * Position `position` of these offers (one per task of a vector) is emitted by none of
   * them and its type cannot be enumerated: the rendezvous cannot be negotiated. The
   * model's oracle reports it (a compiled model should not reach here); the default ignores it.
   */
  unenumerable(tasks: Array<i32>, offers: Array<Offer>, position: i32): void {}
}

export const GUARD_NONE: i32 = 0;
/** Captured data lists, per position, the allowed values (count 255 = any value). */
export const GUARD_PER_POSITION: i32 = 1;
/** Captured data lists the allowed value vectors. */
export const GUARD_TUPLES: i32 = 2;

/**
 * A guard language made of data, for tests and the simulator: values are one byte each,
 * type t has `sizes[t]` values 0..sizes[t]-1, and a guard is an explicit set (per position,
 * or of whole vectors) encoded in the captured bytes.
 */
export class TableOracle extends Oracle {
  sizes: Array<i32>;

  constructor(sizes: Array<i32>) {
    super();
    this.sizes = sizes;
  }

  accepts(task: i32, step: i32, offer: Offer, values: Array<Uint8Array>): bool {
    const guard = offer.guard;
    const r = new Reader(offer.captured);
    if (guard == GUARD_PER_POSITION) {
      for (let p = 0; p < values.length; p++) {
        const n = r.byte();
        if (n == 255) continue;
        let ok = false;
        for (let k = 0; k < n; k++) {
          if (r.byte() == <i32>values[p][0]) ok = true;
        }
        if (!ok) return false;
      }
      return true;
    }
    if (guard == GUARD_TUPLES) {
      const count = r.byte();
      for (let k = 0; k < count; k++) {
        let ok = true;
        for (let p = 0; p < values.length; p++) {
          if (r.byte() != <i32>values[p][0]) ok = false;
        }
        if (ok) return true;
      }
      return false;
    }
    throw new Error("oracle: unknown guard kind");
  }

  cardinality(type: i32): i32 {
    return type < this.sizes.length ? this.sizes[type] : -1;
  }

  valueAt(type: i32, i: i32): Uint8Array {
    const b = new Uint8Array(1);
    b[0] = <u8>(i & 0xff);
    return b;
  }
}
