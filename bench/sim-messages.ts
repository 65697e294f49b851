// Protocol messages per rendezvous of each benchmark scenario, counted by the protocol
// core itself as the simulator runs it (one task per node, seeds 1..S), beside DLC's
// count for the same rendezvous. Available before the runtime lands; when it does, the
// runtime's own counts appear in the scenario rows and these stay as the reference.

import { jsCore } from "../src/protocol-sim/core.js";
import { configBytes } from "../src/protocol-sim/model.js";
import type { SimState, SimSystem, SimTask } from "../src/protocol-sim/model.js";
import { runSeed } from "../src/protocol-sim/simulator.js";
import { barrier, pingpong, select } from "../src/protocol-sim/scenarios.js";
import type { ScenarioId, SimulatedMessages } from "./harness/types.js";
import { dlcCount } from "./scenarios.js";

function task(name: string, node: number, states: SimState[]): SimTask {
  return { name, node, states, initial: 0 };
}

/**
 * bench/models/philosophers_N.lnt: philosopher p (task p, node p) takes its lower fork,
 * then its higher one, drops them in the other order; fork f is task n+f on node n+f.
 * TAKE and DROP carry (philosopher, fork) on one manager; EAT is the philosopher's own step.
 */
export function asymmetricPhilosophers(n: number, maxSteps: number): SimSystem {
  const tasks: SimTask[] = [];
  const pos = (p: number, f: number): SimState["offers"][number]["positions"] => [{ emit: p }, { emit: f }];
  for (let p = 0; p < n; p++) {
    const a = Math.min(p, (p + 1) % n);
    const b = Math.max(p, (p + 1) % n);
    tasks.push(task(`PHIL${p}`, p, [
      { offers: [{ gate: 0, positions: pos(p, a), next: 1 }] },
      { offers: [{ gate: 0, positions: pos(p, b), next: 2 }] },
      { offers: [], internal: 3 },
      { offers: [{ gate: 1, positions: pos(p, b), next: 4 }] },
      { offers: [{ gate: 1, positions: pos(p, a), next: 0 }] },
    ]));
  }
  for (let f = 0; f < n; f++) {
    const states: SimState[] = [{ offers: [{ gate: 0, positions: [{ recv: 0 }, { emit: f }], next: (v) => 1 + v[0]! }] }];
    for (let p = 0; p < n; p++) states.push({ offers: [{ gate: 1, positions: pos(p, f), next: 0 }] });
    tasks.push(task(`FORK${f}`, n + f, states));
  }
  const users = (f: number): number[][] => [[f, n + f], [(f + n - 1) % n, n + f]];
  const vectors = Array.from({ length: n }, (_, f) => users(f)).flat();
  return {
    name: `philosophers(${n}, asymmetric)`,
    tasks,
    gates: [{ name: "TAKE", manager: 0, vectors }, { name: "DROP", manager: 0, vectors }],
    managers: [{ node: 0 }],
    typeSizes: [n],
    maxSteps,
  };
}

/** bench/models/negotiation.lnt: three guarded choosers and a recorder receive the shade. */
export function negotiation(maxSteps: number): SimSystem {
  const shades = [0, 1, 2, 3];
  const chooser = (name: string, no: number[], node: number): SimTask => task(name, node, [
    { offers: [{ gate: 0, positions: [{ recv: 0 }], guard: { perPosition: [shades.filter((s) => !no.includes(s))] }, next: 0 }] },
  ]);
  const recorder = task("RECORDER", 3, [
    { offers: [{ gate: 0, positions: [{ recv: 0 }], next: 1 }] },
    { offers: [], internal: 0 },
  ]);
  return {
    name: "negotiation",
    tasks: [chooser("CHOOSER1", [0, 1], 0), chooser("CHOOSER2", [1, 3], 1), chooser("CHOOSER3", [0, 3], 2), recorder],
    gates: [{ name: "PICK", manager: 0, vectors: [[0, 1, 2, 3]] }],
    managers: [{ node: 3 }],
    typeSizes: [4],
    maxSteps,
  };
}

function systems(quick: boolean): { scenario: ScenarioId; sys: SimSystem }[] {
  const steps = quick ? 20 : 60;
  return [
    { scenario: "pingpong", sys: pingpong(steps) },
    { scenario: "barrier-2", sys: barrier(steps, 2) },
    { scenario: "barrier-4", sys: barrier(steps, 4) },
    { scenario: "barrier-8", sys: barrier(steps, 8) },
    { scenario: "philosophers-5", sys: asymmetricPhilosophers(5, steps) },
    { scenario: "philosophers-16", sys: asymmetricPhilosophers(16, quick ? 10 : 30) },
    { scenario: "paint", sys: negotiation(steps) },
    // Where gates' managers sit is the runtime's choice: all 8 on one manager (no lock
    // needed) or one per gate on the partner's node (the hub must be locked).
    { scenario: "select-8", sys: select(8, false, steps) },
    { scenario: "select-8", sys: select(8, true, steps) },
  ];
}

/** Averages over `seeds` seeds of every scenario's system. */
export function simulatedMessages(quick: boolean): SimulatedMessages[] {
  const seeds = quick ? 3 : 20;
  return systems(quick).map(({ scenario, sys }) => {
    let actions = 0, messages = 0, network = 0, aborts = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const s = runSeed(sys, jsCore(configBytes(sys)), seed);
      actions += s.actions;
      messages += s.messages;
      network += s.network;
      aborts += s.aborts;
    }
    const dlc = dlcCount(scenario);
    return {
      scenario,
      system: sys.name,
      rendezvous: actions,
      messagesPerRendezvous: messages / actions,
      networkPerRendezvous: network / actions,
      abortsPerRendezvous: aborts / actions,
      dlc: dlc.messages,
      formula: dlc.formula,
    };
  });
}
