// State-space generation: a breadth-first search from the initial state,
// storing each state once under its canonical key (dead variables left out,
// see liveness.ts), numbering states in discovery order, and keeping one BFS
// parent per state so that the shortest trace to any state (a deadlock, a
// run-time error) can be printed. Transitions are handed to a sink as they
// are found; this file does no I/O.

import type { ProcessDecl } from "../frontend/model.js";
import { initialThread, isTerminated, moves, stateKey, transitions, type Thread } from "./behaviour.js";
import { LntRuntimeError, type Value } from "./values.js";

export interface ExploreOptions {
  /** Stop exploring (without error) once this many states are stored. */
  readonly maxStates?: number;
  /** Called with each transition: source, label index, target. */
  readonly onTransition?: (src: number, label: number, dst: number, text: string) => void;
  /** Called every `progressEvery` expanded states. */
  readonly onProgress?: (p: { states: number; transitions: number; explored: number }) => void;
  readonly progressEvery?: number;
  /** Polled every `progressEvery` expanded states: true stops the search (the result is then partial). */
  readonly shouldStop?: () => boolean;
  /** Called once at the end, while the state table is still in memory (memory measurements). */
  readonly onFinish?: () => void;
}

export interface ExploreResult {
  readonly states: number;
  readonly transitions: number;
  /** Label text by label index. */
  readonly labels: readonly string[];
  /** States with no transition where the root process has not terminated. */
  readonly deadlocks: readonly number[];
  /** States with no transition where the root process has terminated. */
  readonly terminated: readonly number[];
  /** True when --max-states stopped the search early. */
  readonly truncated: boolean;
  /** True when `shouldStop` stopped the search. */
  readonly stopped: boolean;
  /** A run-time error of the model met while expanding `state`. */
  readonly error: { readonly error: LntRuntimeError; readonly state: number } | undefined;
  /** The labels of a shortest path from the initial state to `state`. */
  traceTo(state: number): string[];
}

/** Growable int array (parents, parent labels). */
class IntVec {
  data = new Int32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = x;
  }
}

export function initialState(root: ProcessDecl, args: readonly Value[]): Thread {
  return initialThread(root, args);
}

export function explore(init: Thread, opts: ExploreOptions = {}): ExploreResult {
  const ids = new Map<string, number>();
  const labels: string[] = [];
  const labelIds = new Map<string, number>();
  const parent = new IntVec();
  const parentLabel = new IntVec();
  const deadlocks: number[] = [];
  const terminated: number[] = [];
  const queue: (Thread | undefined)[] = [init];
  ids.set(stateKey(init), 0);
  parent.push(-1);
  parentLabel.push(-1);
  let head = 0;
  let ntrans = 0;
  let truncated = false;
  let stopped = false;
  let error: ExploreResult["error"];
  const max = opts.maxStates ?? Infinity;
  const every = opts.progressEvery ?? 10000;

  const labelId = (l: string): number => {
    let id = labelIds.get(l);
    if (id === undefined) {
      id = labels.length;
      labels.push(l);
      labelIds.set(l, id);
    }
    return id;
  };

  // States are expanded in the order they were numbered, so the state being
  // expanded is `expanded`; the queue drops its expanded prefix now and then.
  let expanded = 0;
  while (head < queue.length) {
    const src = expanded++;
    const s = queue[head]!;
    queue[head++] = undefined;
    if (head > 65536 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    let succ: { label: string; next: Thread }[];
    try {
      succ = transitions(s);
    } catch (err) {
      if (err instanceof LntRuntimeError) {
        error = { error: err, state: src };
        break;
      }
      throw err;
    }
    if (succ.length === 0) {
      let ends = isTerminated(s);
      if (!ends) {
        try {
          ends = moves(s).some((m) => m.gate === "exit");
        } catch {
          ends = false;
        }
      }
      (ends ? terminated : deadlocks).push(src);
    }
    // Transitions form a set: the same label to the same target counts once.
    const seen = succ.length > 1 ? new Set<number>() : undefined;
    for (const t of succ) {
      const key = stateKey(t.next);
      let dst = ids.get(key);
      const lid = labelId(t.label);
      if (dst === undefined) {
        if (ids.size >= max) {
          truncated = true;
          continue;
        }
        dst = ids.size;
        ids.set(key, dst);
        parent.push(src);
        parentLabel.push(lid);
        queue.push(t.next);
      }
      if (seen) {
        const edge = lid * 4294967296 + dst;
        if (seen.has(edge)) continue;
        seen.add(edge);
      }
      ntrans++;
      opts.onTransition?.(src, lid, dst, t.label);
    }
    if ((src + 1) % every === 0) {
      opts.onProgress?.({ states: ids.size, transitions: ntrans, explored: src + 1 });
      if (opts.shouldStop?.()) {
        stopped = true;
        break;
      }
    }
  }
  opts.onFinish?.();
  return {
    states: ids.size,
    transitions: ntrans,
    labels,
    deadlocks,
    terminated,
    truncated,
    stopped,
    error,
    traceTo(state: number): string[] {
      const out: string[] = [];
      let x = state;
      while (x > 0) {
        out.push(labels[parentLabel.data[x]!]!);
        x = parent.data[x]!;
      }
      return out.reverse();
    },
  };
}
