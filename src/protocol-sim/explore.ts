// Exhaustive exploration of a small system: depth-first over every choice the simulator
// can make (which channel delivers next, when each task resumes or takes its internal
// step), with state hashing so that each protocol state is expanded once. Every state is
// checked as in a seeded run; every terminal state is checked for missed rendezvous.

import type { CoreFactory } from "./core.js";
import { configBytes } from "./model.js";
import type { SimSystem } from "./model.js";
import { ProtocolFailure, Simulation } from "./simulator.js";

export interface Exploration {
  states: number;
  transitions: number;
  terminals: number;
  maxDepth: number;
}

export function explore(sys: SimSystem, makeCore: CoreFactory, maxStates = 2_000_000, fifo = true): Exploration {
  const config = configBytes(sys);
  const fresh = (path: number[]): Simulation => {
    const sim = new Simulation(sys, makeCore(config), 1, fifo);
    for (const i of path) sim.apply(sim.events()[i]!);
    return sim;
  };
  const visited = new Set<string>();
  const result: Exploration = { states: 0, transitions: 0, terminals: 0, maxDepth: 0 };
  // Explicit stack of (path, simulation in that state or null to rebuild by replay).
  const stack: { path: number[]; sim: Simulation | null }[] = [{ path: [], sim: null }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    let sim: Simulation;
    try {
      sim = top.sim ?? fresh(top.path);
    } catch (e) {
      throw new ProtocolFailure(`path [${top.path}]: ${e instanceof Error ? e.message : String(e)}`);
    }
    const key = sim.fingerprint();
    if (visited.has(key)) continue;
    visited.add(key);
    result.states++;
    if (result.states > maxStates) throw new ProtocolFailure(`${sys.name}: more than ${maxStates} states`);
    result.maxDepth = Math.max(result.maxDepth, top.path.length);
    const evs = sim.events();
    if (evs.length === 0) {
      result.terminals++;
      try {
        sim.checkQuiescent();
      } catch (e) {
        throw new ProtocolFailure(`path [${top.path}]: ${e instanceof Error ? e.message : String(e)}`);
      }
      continue;
    }
    result.transitions += evs.length;
    // The last child reuses this simulation; the others are rebuilt by replay when popped.
    for (let i = 0; i < evs.length - 1; i++) stack.push({ path: [...top.path, i], sim: null });
    const last = evs.length - 1;
    try {
      sim.apply(evs[last]!);
    } catch (e) {
      throw new ProtocolFailure(`path [${[...top.path, last]}]: ${e instanceof Error ? e.message : String(e)}`);
    }
    stack.push({ path: [...top.path, last], sim });
  }
  return result;
}
