// On-the-fly trace checking: does the model perform this sequence of visible
// labels, with any number of internal steps in between? The checker keeps
// the set of states reachable after the labels read so far, closed under
// internal steps (bounded, so that a divergent model cannot exhaust memory),
// and advances it label by label, so a trace can be fed as it arrives.

import { keyedParts, resetKeys, stateKey, transitions, type Thread } from "./behaviour.js";

/** Above this many keyed parts the key table is cleared between two labels. */
const KEY_TABLE_LIMIT = 1_000_000;

export const DEFAULT_CLOSURE_BOUND = 200_000;

/** Labels compare after trimming and collapsing blanks; a `"..."` line (SEQ format) is unquoted. */
export function normaliseLabel(line: string): string {
  let l = line.trim();
  if (l.length >= 2 && l.startsWith('"') && l.endsWith('"')) l = l.slice(1, -1).trim();
  return l.replace(/\s+/g, " ");
}

export class ClosureTooLarge extends Error {
  constructor(readonly bound: number) {
    super(`more than ${bound} states reachable by internal steps`);
  }
}

export class TraceChecker {
  private current: Map<string, Thread>;
  /** The labels accepted so far. */
  readonly accepted: string[] = [];

  constructor(init: Thread, private readonly bound = DEFAULT_CLOSURE_BOUND) {
    this.current = this.closure(new Map([[stateKey(init), init]]));
  }

  private closure(start: Map<string, Thread>): Map<string, Thread> {
    const seen = new Map(start);
    const todo = [...start.values()];
    while (todo.length > 0) {
      const s = todo.pop()!;
      for (const t of transitions(s)) {
        if (t.label !== "i") continue;
        const k = stateKey(t.next);
        if (seen.has(k)) continue;
        if (seen.size >= this.bound) throw new ClosureTooLarge(this.bound);
        seen.set(k, t.next);
        todo.push(t.next);
      }
    }
    return seen;
  }

  /**
   * Advances by one label; false (and no change) when no reachable state can
   * perform it. The label `i` stands for one explicit internal step.
   */
  step(rawLabel: string): boolean {
    const label = normaliseLabel(rawLabel);
    const next = new Map<string, Thread>();
    for (const s of this.current.values()) {
      for (const t of transitions(s)) {
        if (t.label !== label && normaliseLabel(t.label) !== label) continue;
        const k = stateKey(t.next);
        if (!next.has(k)) {
          if (next.size >= this.bound) throw new ClosureTooLarge(this.bound);
          next.set(k, t.next);
        }
      }
    }
    if (next.size === 0) return false;
    if (keyedParts() > KEY_TABLE_LIMIT) {
      resetKeys();
      const rekeyed = new Map<string, Thread>();
      for (const t of next.values()) rekeyed.set(stateKey(t), t);
      this.current = this.closure(rekeyed);
    } else this.current = this.closure(next);
    this.accepted.push(label);
    return true;
  }

  /** The visible labels possible now, sorted. */
  possible(): string[] {
    const out = new Set<string>();
    for (const s of this.current.values()) for (const t of transitions(s)) if (t.label !== "i") out.add(t.label);
    return [...out].sort();
  }

  get stateCount(): number {
    return this.current.size;
  }
}
