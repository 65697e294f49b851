// Abstract systems for the protocol simulator, written by hand from the shared models
// (pingpong, philosophers, committee, paint, barrier) plus systems that stress the lock
// path: a select over 8 gates, a ring of tasks that all offer on two managers.

import { among } from "./model.js";
import type { SimOffer, SimState, SimSystem, SimTask } from "./model.js";

function task(name: string, node: number, states: SimState[]): SimTask {
  return { name, node, states, initial: 0 };
}

/** pingpong.lnt with `rounds` rounds; `split` puts PING and PONG on two managers. */
export function pingpong(rounds: number, opts: { split?: boolean; managerNode?: number } = {}): SimSystem {
  const R = rounds;
  const pinger: SimState[] = [];
  for (let n = 0; n <= R; n++) {
    pinger.push({ offers: n < R ? [{ gate: 0, positions: [{ emit: n }], next: R + 1 + n }] : [] });
  }
  for (let n = 0; n < R; n++) {
    pinger.push({ offers: [{ gate: 1, positions: [{ recv: 0 }], guard: { perPosition: [[n + 1]] }, next: n + 1 }] });
  }
  const ponger: SimState[] = [{ offers: [{ gate: 0, positions: [{ recv: 0 }], next: (v) => 1 + v[0]! }] }];
  for (let x = 0; x < R + 2; x++) ponger.push({ offers: [{ gate: 1, positions: [{ emit: Math.min(x + 1, R + 1) }], next: 0 }] });
  const mnode = opts.managerNode ?? 0;
  return {
    name: `pingpong(${R}${opts.split ? ",split" : ""},m@${mnode})`,
    tasks: [task("PINGER", 0, pinger), task("PONGER", 1, ponger)],
    gates: [
      { name: "PING", manager: 0, vectors: [[0, 1]] },
      { name: "PONG", manager: opts.split ? 1 : 0, vectors: [[0, 1]] },
    ],
    managers: opts.split ? [{ node: mnode }, { node: 1 - mnode }] : [{ node: mnode }],
    typeSizes: [R + 2],
    maxSteps: 2 * R + 1,
  };
}

/**
 * philosophers.lnt with n philosophers (tasks 0..n-1) and n forks (tasks n..2n-1); EAT is
 * unsynchronized, so it is the philosopher's internal step. Central: TAKE and DROP as in
 * the model, on one manager (every task exclusive). Split: TAKE_f and DROP_f per fork f,
 * each fork's gates on a manager on the fork's node, so a philosopher choosing which fork
 * to take first offers on two managers and must be locked.
 */
export function philosophers(n: number, split: boolean, maxSteps = 12): SimSystem {
  const tasks: SimTask[] = [];
  const takeGate = (f: number): number => (split ? f : 0);
  const dropGate = (f: number): number => (split ? n + f : 1);
  const pos = (p: number, f: number): SimOffer["positions"] => (split ? [{ emit: p }] : [{ emit: p }, { emit: f }]);
  for (let p = 0; p < n; p++) {
    const left = p;
    const right = (p + 1) % n;
    tasks.push(task(`PHIL${p}`, p, [
      { offers: [{ gate: takeGate(left), positions: pos(p, left), next: 1 }, { gate: takeGate(right), positions: pos(p, right), next: 2 }] },
      { offers: [{ gate: takeGate(right), positions: pos(p, right), next: 3 }] },
      { offers: [{ gate: takeGate(left), positions: pos(p, left), next: 3 }] },
      { offers: [], internal: 4 },
      { offers: [{ gate: dropGate(left), positions: pos(p, left), next: 5 }] },
      { offers: [{ gate: dropGate(right), positions: pos(p, right), next: 0 }] },
    ]));
  }
  for (let f = 0; f < n; f++) {
    const states: SimState[] = [{
      offers: [{
        gate: takeGate(f),
        positions: split ? [{ recv: 0 }] : [{ recv: 0 }, { emit: f }],
        next: (v) => 1 + v[0]!,
      }],
    }];
    for (let p = 0; p < n; p++) states.push({ offers: [{ gate: dropGate(f), positions: pos(p, f), next: 0 }] });
    tasks.push(task(`FORK${f}`, f, states));
  }
  const pairs: number[][] = [];
  for (let p = 0; p < n; p++) for (let f = 0; f < n; f++) pairs.push([p, n + f]);
  const users = (f: number): number[][] => [[f, n + f], [(f + n - 1) % n, n + f]];
  const gates = split
    ? [
      ...Array.from({ length: n }, (_, f) => ({ name: `TAKE${f}`, manager: f, vectors: users(f) })),
      ...Array.from({ length: n }, (_, f) => ({ name: `DROP${f}`, manager: f, vectors: users(f) })),
    ]
    : [{ name: "TAKE", manager: 0, vectors: pairs }, { name: "DROP", manager: 0, vectors: pairs }];
  return {
    name: `philosophers(${n},${split ? "split" : "central"})`,
    tasks,
    gates,
    managers: split ? Array.from({ length: n }, (_, f) => ({ node: f })) : [{ node: 0 }],
    typeSizes: [n],
    maxSteps,
  };
}

/**
 * committee.lnt: MEET # 2 among 3 members; BUSY is each member's internal step. With
 * `impatient`, a member waiting to meet may also give up by an internal step, which makes
 * it shared: every MEET then locks both members.
 */
export function committee(maxSteps = 8, impatient = false, m = 2, n = 3): SimSystem {
  const member = (i: number): SimTask => task(`MEMBER${i + 1}`, i, [
    impatient ? { offers: [{ gate: 0, positions: [], next: 1 }], internal: 1 } : { offers: [{ gate: 0, positions: [], next: 1 }] },
    { offers: [], internal: 0 },
  ]);
  const all = Array.from({ length: n }, (_, i) => i);
  return {
    name: `committee(#${m} of ${n}${impatient ? ",impatient" : ""})`,
    tasks: all.map(member),
    gates: [{ name: "MEET", manager: 0, vectors: among(m, all) }],
    managers: [{ node: 0 }],
    typeSizes: [],
    maxSteps,
  };
}

/** paint.lnt: nobody emits the colour; guards leave Blue (2) only. SEEN is internal. */
export function paint(maxSteps = 6): SimSystem {
  const picky = (name: string, forbidden: number, node: number): SimTask => task(name, node, [
    { offers: [{ gate: 0, positions: [{ recv: 0 }], guard: { perPosition: [[0, 1, 2].filter((c) => c !== forbidden)] }, next: 0 }] },
  ]);
  const logger = task("LOGGER", 2, [
    { offers: [{ gate: 0, positions: [{ recv: 0 }], next: (v) => 1 + v[0]! }] },
    { offers: [], internal: 0 },
    { offers: [], internal: 0 },
    { offers: [], internal: 0 },
  ]);
  return {
    name: "paint",
    tasks: [picky("PICKY_RED", 0, 0), picky("PICKY_GREEN", 1, 1), logger],
    gates: [{ name: "PAINT", manager: 0, vectors: [[0, 1, 2]] }],
    managers: [{ node: 2 }],
    typeSizes: [3],
    maxSteps,
  };
}

/** barrier.lnt: 4 workers, `rounds` rounds of WORKING (internal) then STEP(!r) (4-party). */
export function barrier(rounds = 3, workers = 4): SimSystem {
  const worker = (i: number): SimTask => {
    const states: SimState[] = [];
    for (let r = 0; r < rounds; r++) {
      states.push({ offers: [], internal: 2 * r + 1 });
      states.push({ offers: [{ gate: 0, positions: [{ emit: r }], next: 2 * r + 2 }] });
    }
    states.push({ offers: [] });
    return task(`WORKER${i + 1}`, i, states);
  };
  return {
    name: `barrier(${workers}x${rounds})`,
    tasks: Array.from({ length: workers }, (_, i) => worker(i)),
    gates: [{ name: "STEP", manager: 0, vectors: [Array.from({ length: workers }, (_, i) => i)] }],
    managers: [{ node: 0 }],
    typeSizes: [rounds],
    maxSteps: 2 * rounds + 1,
  };
}

/**
 * A hub (task 0) with a select over `k` gates G_i, each shared with partner i+1, who does
 * G_i then an internal step, forever. Central: all G_i on one manager (the hub is exclusive);
 * split: G_i on its own manager on partner i+1's node (the hub must be locked).
 */
export function select(k: number, split: boolean, maxSteps = 10): SimSystem {
  const hub = task("HUB", 0, [{ offers: Array.from({ length: k }, (_, i) => ({ gate: i, positions: [{ emit: i }], next: 0 })) }]);
  const partners = Array.from({ length: k }, (_, i) => task(`P${i}`, i + 1, [
    { offers: [{ gate: i, positions: [{ recv: 0 }], next: 1 }] },
    { offers: [], internal: 0 },
  ]));
  return {
    name: `select(${k},${split ? "split" : "central"})`,
    tasks: [hub, ...partners],
    gates: Array.from({ length: k }, (_, i) => ({ name: `G${i}`, manager: split ? i : 0, vectors: [[0, i + 1]] })),
    managers: split ? Array.from({ length: k }, (_, i) => ({ node: i + 1 })) : [{ node: 0 }],
    typeSizes: [k],
    maxSteps,
  };
}

/**
 * A ring of n tasks; gate i joins tasks i and i+1 and has its own manager on task i's node;
 * every task offers both its gates (a select), so every task is shared and every
 * rendezvous needs a lock path of 2. Neighbouring rendezvous conflict.
 */
export function ring(n: number, maxSteps = 4): SimSystem {
  const tasks = Array.from({ length: n }, (_, t) => task(`T${t}`, t, [
    { offers: [{ gate: (t + n - 1) % n, positions: [], next: 0 }, { gate: t, positions: [], next: 0 }] },
  ]));
  return {
    name: `ring(${n})`,
    tasks,
    gates: Array.from({ length: n }, (_, g) => ({ name: `R${g}`, manager: g, vectors: [[g, (g + 1) % n]] })),
    managers: Array.from({ length: n }, (_, g) => ({ node: g })),
    typeSizes: [],
    maxSteps,
  };
}

/**
 * Two tasks on two nodes: A offers G (manager 0, on B's node) and H (manager 1, on C's
 * node) in a select, so A is shared; B offers only G, C only H. Measures the cost of a
 * rendezvous with one locked party.
 */
export function oneShared(maxSteps = 10): SimSystem {
  return {
    name: "oneShared",
    tasks: [
      task("A", 0, [{ offers: [{ gate: 0, positions: [], next: 0 }, { gate: 1, positions: [], next: 0 }] }]),
      task("B", 1, [{ offers: [{ gate: 0, positions: [], next: 0 }] }]),
      task("C", 2, [{ offers: [{ gate: 1, positions: [], next: 0 }] }]),
    ],
    gates: [{ name: "G", manager: 0, vectors: [[0, 1]] }, { name: "H", manager: 1, vectors: [[0, 2]] }],
    managers: [{ node: 0 }, { node: 0 }],
    typeSizes: [],
    maxSteps,
  };
}

/**
 * A task that offers G(!v) but may time out by an internal step (so it is shared and must
 * be locked), against `partners` tasks that receive on G, each alone (vectors of 2).
 */
export function timeout(partners: number, maxSteps = 6): SimSystem {
  const t0 = task("IMPATIENT", 0, [
    { offers: [{ gate: 0, positions: [{ emit: 1 }], next: 1 }], internal: 1 },
    { offers: [{ gate: 0, positions: [{ emit: 2 }], next: 0 }] },
  ]);
  const others = Array.from({ length: partners }, (_, i) => task(`R${i}`, 1 + i, [
    { offers: [{ gate: 0, positions: [{ recv: 0 }], guard: { perPosition: [[1, 2]] }, next: 0 }] },
  ]));
  return {
    name: `timeout(${partners})`,
    tasks: [t0, ...others],
    gates: [{ name: "G", manager: 0, vectors: others.map((_, i) => [0, 1 + i]) }],
    managers: [{ node: 1 }],
    typeSizes: [3],
    maxSteps,
  };
}

export const allScenarios = (): SimSystem[] => [
  pingpong(5),
  pingpong(5, { split: true }),
  pingpong(5, { managerNode: 2 }),
  philosophers(3, false),
  philosophers(3, true),
  philosophers(5, false),
  philosophers(5, true),
  committee(),
  committee(8, true),
  committee(6, true, 3, 6),
  philosophers(10, true, 8),
  paint(),
  barrier(),
  select(8, false),
  select(8, true),
  ring(3),
  ring(4),
  oneShared(),
  timeout(1),
  timeout(2),
];
