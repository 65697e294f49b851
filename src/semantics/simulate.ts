// Random runs of a model: from the initial state, repeatedly take one of the
// enabled transitions, chosen by a seeded PRNG (splitmix32), so that a run is
// reproducible from its seed on any machine.

import { transitions, moves, isTerminated, type Thread } from "./behaviour.js";

/** splitmix32: small, fast, and good enough to pick among transitions. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}

export type RunEnd = "steps" | "deadlock" | "terminated";

/**
 * Runs up to `steps` transitions, calling `onLabel` with each label. Returns
 * why the run stopped. Run-time errors of the model propagate (LntRuntimeError).
 */
export function simulate(init: Thread, steps: number, seed: number, onLabel: (label: string) => void): { end: RunEnd; steps: number } {
  const rand = prng(seed);
  let s = init;
  for (let n = 0; n < steps; n++) {
    const succ = transitions(s);
    if (succ.length === 0) {
      const ends = isTerminated(s) || moves(s).some((m) => m.gate === "exit");
      return { end: ends ? "terminated" : "deadlock", steps: n };
    }
    const pick = succ[Math.floor(rand() * succ.length)]!;
    onLabel(pick.label);
    s = pick.next;
  }
  return { end: "steps", steps };
}
