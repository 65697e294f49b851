// The reference semantics the protocol is checked against, written independently of the
// core: which joint transitions the product of the task automata allows on given states
// (vector allowed, emitted values equal, guards true, received values in their type).

import type { SimOffer, SimSystem } from "./model.js";

/** A rendezvous of the product: gate, one offer index per task of the vector, values. */
export interface RefRendezvous {
  gate: number;
  tasks: number[];
  offers: number[];
  values: number[];
}

function guardAccepts(o: SimOffer, values: number[]): boolean {
  const g = o.guard;
  if (g === undefined) return true;
  if ("perPosition" in g) {
    return values.every((v, p) => {
      const allowed = g.perPosition[p] ?? null;
      return allowed === null || allowed.includes(v);
    });
  }
  return g.tuples.some((t) => t.length === values.length && t.every((v, p) => v === values[p]));
}

/** Why these offers cannot fire together with these values, or null if they can. */
export function refuseReason(sys: SimSystem, offers: SimOffer[], values: number[]): string | null {
  for (const o of offers) {
    if (o.positions.length !== values.length) return "arity mismatch";
    for (let p = 0; p < values.length; p++) {
      const pos = o.positions[p]!;
      if ("emit" in pos) {
        if (pos.emit !== values[p]) return `position ${p}: emitted ${pos.emit}, value ${values[p]}`;
      } else {
        const size = sys.typeSizes[pos.recv] ?? 0;
        if (!(values[p]! >= 0 && values[p]! < size)) return `position ${p}: value ${values[p]} outside type ${pos.recv}`;
      }
    }
    if (!guardAccepts(o, values)) return `guard refuses ${JSON.stringify(values)}`;
  }
  return null;
}

export function vectorAllowed(sys: SimSystem, gate: number, tasks: number[]): boolean {
  const key = [...tasks].sort((a, b) => a - b).join(",");
  return sys.gates[gate]!.vectors.some((v) => [...v].sort((a, b) => a - b).join(",") === key);
}

/**
 * Every rendezvous possible among the given current offers (null = the task offers nothing).
 * Exhaustive over vectors, offer combinations and values of the positions nobody emits.
 */
export function possibleRendezvous(sys: SimSystem, current: (SimOffer[] | null)[], limit = 1): RefRendezvous[] {
  const found: RefRendezvous[] = [];
  sys.gates.forEach((g, gate) => {
    for (const vector of g.vectors) {
      const choices = vector.map((t) => (current[t] ?? []).map((o, i) => ({ o, i })).filter((x) => x.o.gate === gate));
      if (choices.some((c) => c.length === 0)) continue;
      const combos: { o: SimOffer; i: number }[][] = [[]];
      for (const c of choices) {
        const next: { o: SimOffer; i: number }[][] = [];
        for (const prefix of combos) for (const x of c) next.push([...prefix, x]);
        combos.splice(0, combos.length, ...next);
      }
      for (const combo of combos) {
        const arity = combo[0]!.o.positions.length;
        const domains: number[][] = [];
        for (let p = 0; p < arity; p++) {
          const emits = combo.map((x) => x.o.positions[p]).filter((q): q is { emit: number } => q !== undefined && "emit" in q);
          if (emits.length > 0) domains.push([emits[0]!.emit]);
          else {
            const recv = combo.map((x) => x.o.positions[p]).find((q): q is { recv: number } => q !== undefined && "recv" in q);
            const size = recv === undefined ? 0 : sys.typeSizes[recv.recv] ?? 0;
            domains.push(Array.from({ length: size }, (_, k) => k));
          }
        }
        let vectors: number[][] = [[]];
        for (const d of domains) vectors = vectors.flatMap((pre) => d.map((v) => [...pre, v]));
        for (const values of vectors) {
          if (refuseReason(sys, combo.map((x) => x.o), values) === null) {
            found.push({ gate, tasks: [...vector], offers: combo.map((x) => x.i), values });
            if (found.length >= limit) return;
          }
        }
      }
    }
  });
  return found.slice(0, limit);
}
