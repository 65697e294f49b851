// Abstract systems for the simulator: tasks as explicit finite automata whose states carry
// offers (gate, emitted values or receptions, guards as data), gates with their
// synchronization vectors and owning manager, and the placement of tasks and managers on
// nodes. Also their translation to the protocol core's configuration and offer bytes.

import { Offer, Position, Writer, writeOffer } from "../../runtime-as/protocol/index.js";
import { GUARD_NONE, GUARD_PER_POSITION, GUARD_TUPLES } from "../../runtime-as/protocol/oracle.js";

/** An emitted value, or a reception of a value of a type (types are 0..typeSizes.length-1). */
export type SimPosition = { emit: number } | { recv: number };

/** A guard as data: the allowed values per position (null = any), or the allowed vectors. */
export type SimGuard = { perPosition: (number[] | null)[] } | { tuples: number[][] };

export interface SimOffer {
  gate: number;
  positions: SimPosition[];
  guard?: SimGuard;
  /** The state reached; a function when it depends on the values received. */
  next: number | ((values: number[]) => number);
}

export interface SimState {
  offers: SimOffer[];
  /** The state reached by an internal step the task may take alone, if any. */
  internal?: number;
}

export interface SimTask {
  name: string;
  node: number;
  states: SimState[];
  initial: number;
}

export interface SimGate {
  name: string;
  manager: number;
  /** Sets of task ids that may fire together on this gate. */
  vectors: number[][];
}

export interface SimSystem {
  name: string;
  tasks: SimTask[];
  gates: SimGate[];
  /** The node of each manager. */
  managers: { node: number }[];
  /** Type t has values 0..typeSizes[t]-1, each encoded as one byte. */
  typeSizes: number[];
  /** Each task stops offering after this many firings, so that every run ends. */
  maxSteps: number;
}

export function nextState(o: SimOffer, values: number[]): number {
  return typeof o.next === "number" ? o.next : o.next(values);
}

function guardBytes(g: SimGuard | undefined, arity: number): { kind: number; captured: Uint8Array } {
  const w = new Writer();
  if (g === undefined) return { kind: GUARD_NONE, captured: new Uint8Array(0) };
  if ("perPosition" in g) {
    for (let p = 0; p < arity; p++) {
      const allowed = g.perPosition[p] ?? null;
      if (allowed === null) w.byte(255);
      else {
        w.byte(allowed.length);
        for (const v of allowed) w.byte(v);
      }
    }
    return { kind: GUARD_PER_POSITION, captured: w.finish() };
  }
  w.byte(g.tuples.length);
  for (const t of g.tuples) for (const v of t) w.byte(v);
  return { kind: GUARD_TUPLES, captured: w.finish() };
}

export function toCoreOffer(o: SimOffer, index: number): Offer {
  const g = guardBytes(o.guard, o.positions.length);
  const positions = o.positions.map((p) => ("emit" in p ? Position.emitted(Uint8Array.of(p.emit)) : Position.received(p.recv)));
  return new Offer(index, o.gate, g.kind, g.captured, positions);
}

export function offersBytes(state: SimState): Uint8Array {
  const w = new Writer();
  w.uint(state.offers.length);
  state.offers.forEach((o, i) => writeOffer(w, toCoreOffer(o, i)));
  return w.finish();
}

export function configBytes(sys: SimSystem): Uint8Array {
  const w = new Writer();
  w.uint(sys.tasks.length);
  w.uint(sys.gates.length);
  for (const g of sys.gates) w.uint(g.manager);
  w.uint(sys.managers.length);
  sys.managers.forEach((_, m) => {
    const mine = sys.gates.map((g, id) => ({ g, id })).filter((x) => x.g.manager === m);
    w.uint(mine.length);
    for (const { g, id } of mine) {
      w.uint(id);
      w.uint(g.vectors.length);
      for (const v of g.vectors) {
        const sorted = [...v].sort((a, b) => a - b);
        w.uint(sorted.length);
        for (const t of sorted) w.uint(t);
      }
    }
  });
  w.uint(sys.typeSizes.length);
  for (const s of sys.typeSizes) w.uint(s);
  return w.finish();
}

/** All subsets of size m of 0..n-1 (the vectors of `G # m` over n tasks). */
export function among(m: number, tasks: number[]): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]): void => {
    if (acc.length === m) {
      out.push([...acc]);
      return;
    }
    for (let i = start; i < tasks.length; i++) rec(i + 1, [...acc, tasks[i]!]);
  };
  rec(0, []);
  return out;
}
