// Node logs of the actions taken, and their merge into one global trace. A node logs
// each action once, with the per-task sequence number of every participant; any order
// that keeps each task's actions in sequence is a valid global trace, because actions
// with no task in common commute. The merge is that topological order, and its errors
// (two actions at one task step, a cycle, a gap) point at file:line. It runs live
// (`LiveMerge`): fed lines as the nodes log them, it emits each action as soon as every
// earlier action of its participants has been emitted (`lntc run --nodes` prints so);
// the batch merge of whole files (`lntc trace-merge`) is the same merge fed file by file.
//
// Log format, one line each (docs/distributed.md):
//   # lntc-log 1 node=NAME deployment=HEX
//   TASK@SEQ[ TASK@SEQ...]<TAB>LABEL
// SEQ is the task's 1-based count of actions (its protocol step, unwrapped); LABEL is as
// `lntc simulate` prints it, `i` for an internal step or a hidden gate.

import type { DiagnosticBag } from "../src/frontend/diagnostics.js";
import { sourceFile, type SourceFile, type Span } from "../src/frontend/source.js";
import { Msg } from "../src/frontend/diagnostic-messages.js";

export const LOG_HEADER = /^# lntc-log 1 node=(\S+) deployment=([0-9a-f]+)\s*$/;

/**
 * Before each log line a node writes to its standard output (`lntc node --stream-actions`),
 * among its other lines: a node's own lines start with its name, which cannot start so.
 */
export const STREAM_PREFIX = "@ ";

export function logHeader(node: string, deploymentHashHex: string): string {
  return `# lntc-log 1 node=${node} deployment=${deploymentHashHex}`;
}

export interface Participation {
  readonly task: string;
  readonly seq: number;
}

/** One log line. */
export function logLine(parts: readonly Participation[], label: string): string {
  return `${parts.map((p) => `${p.task}@${p.seq}`).join(" ")}\t${label}`;
}

/**
 * Turns the protocol's wrapping 32-bit steps of one task into its ever-growing sequence
 * numbers, for a node that sees that task's steps in (nearly) increasing order.
 */
export class StepUnwrapper {
  private last = new Map<string, number>();
  seq(task: string, step: number): number {
    const prev = this.last.get(task);
    const s = step >>> 0;
    let v: number;
    if (prev === undefined) v = s;
    else {
      const delta = (s - (prev >>> 0)) | 0;
      v = prev + delta;
    }
    this.last.set(task, v);
    return v;
  }
}

interface Record {
  readonly key: string;
  readonly parts: readonly Participation[];
  readonly label: string;
  readonly origin: LineOrigin;
  readonly order: number;
  emitted: boolean;
}

/**
 * Where a log line came from: a span in a file read whole, or the LINE-th line of a stream
 * (a node's actions as it logs them), named PATH in diagnostics.
 */
export type LineOrigin = Span | { readonly path: string; readonly line: number; readonly text: string };

function where(o: LineOrigin): string {
  if (!("file" in o)) return `${o.path}:${o.line}`;
  let line = 1;
  for (let i = 0; i < o.start; i++) if (o.file.text.charCodeAt(i) === 10) line++;
  return `${o.file.path}:${line}`;
}

/** The span of a line; a stream's line becomes a file of its own at its line number (made only for a diagnostic). */
function spanOf(o: LineOrigin): Span {
  if ("file" in o) return o;
  const file = sourceFile(o.path, "\n".repeat(o.line - 1) + o.text);
  return { file, start: o.line - 1, end: o.line - 1 + o.text.length };
}

export interface MergedAction {
  readonly parts: readonly Participation[];
  readonly label: string;
}

/**
 * Merges node logs into one trace of labels; internal steps (`i`) are left out unless
 * `internal`. Returns undefined after reporting errors.
 */
export function mergeLogs(files: readonly SourceFile[], diags: DiagnosticBag, internal = false): string[] | undefined {
  const actions = mergeLogActions(files, diags);
  return actions?.filter((r) => internal || r.label !== "i").map((r) => r.label);
}

/** The merged actions with their participants, internal steps included: the live merge fed whole files. */
export function mergeLogActions(files: readonly SourceFile[], diags: DiagnosticBag): MergedAction[] | undefined {
  const out: MergedAction[] = [];
  const merge = new LiveMerge({ diags, emit: (a) => out.push(a) });
  files.forEach((file, i) => {
    const text = file.text;
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const raw = text.slice(start, end).replace(/\r$/, "");
      merge.line(`${i}`, raw, { file, start, end: start + raw.length });
      start = end + 1;
    }
  });
  return merge.end() ? out : undefined;
}

export interface LiveMergeOptions {
  readonly diags: DiagnosticBag;
  /**
   * Each action once, as soon as it is causally ready: every earlier action of each of its
   * participants (by sequence number) has been emitted.
   */
  readonly emit: (action: MergedAction) => void;
}

/**
 * The merge as the lines arrive, from any number of sources (a node's log or its stream of
 * actions), in any interleaving. An action is emitted as soon as, for every participant,
 * all its earlier sequence numbers have been emitted; actions that become ready together
 * go in the order they were read (as the batch merge orders its ready actions). Errors are
 * reported as soon as they can be known: a bad header or line, another deployment, one
 * action with two labels, two actions at one task step when the second arrives; a gap and
 * a cycle only at `end()`, once every source is read (until then, the missing action may
 * still come). Every action read is kept, for the duplicates and clashes of later lines.
 */
export class LiveMerge {
  private readonly diags: DiagnosticBag;
  private readonly emit: (action: MergedAction) => void;
  private readonly before: number;
  /** Per source: lines read, and whether its header was refused (the rest is then ignored). */
  private readonly sources = new Map<string, { lines: number; bad: boolean }>();
  private firstHash: { hash: string; file: string } | undefined;
  private readonly records = new Map<string, Record>();
  private readonly byTask = new Map<string, Map<number, Record>>();
  /** Per task: the sequence number of its last action emitted. */
  private readonly last = new Map<string, number>();
  private order = 0;
  private emittedCount = 0;

  constructor(o: LiveMergeOptions) {
    this.diags = o.diags;
    this.emit = o.emit;
    this.before = o.diags.errorCount;
  }

  /** Distinct actions read so far (emitted or waiting). */
  get known(): number {
    return this.records.size;
  }

  /** Actions emitted so far. */
  get emitted(): number {
    return this.emittedCount;
  }

  /** Actions read but not emitted yet (waiting for an earlier action of a participant). */
  get waiting(): number {
    return this.records.size - this.emittedCount;
  }

  /**
   * The next line of `source` (its first line is the log header). `span` places it in a file
   * read whole; without it, diagnostics name it `source:LINE`.
   */
  line(source: string, raw: string, span?: Span): void {
    let src = this.sources.get(source);
    if (!src) this.sources.set(source, (src = { lines: 0, bad: false }));
    src.lines++;
    if (src.bad) return;
    raw = raw.replace(/\r$/, "");
    const origin: LineOrigin = span ?? { path: source, line: src.lines, text: raw };
    const diags = this.diags;
    if (src.lines === 1) {
      const h = LOG_HEADER.exec(raw);
      if (!h) {
        diags.add(Msg.LogBadHeader, spanOf(origin));
        src.bad = true;
        return;
      }
      const file = span?.file.path ?? source;
      if (this.firstHash === undefined) this.firstHash = { hash: h[2]!, file };
      else if (this.firstHash.hash !== h[2]) diags.add(Msg.LogOtherDeployment, spanOf(origin), [h[2]!.slice(0, 12), `${this.firstHash.hash.slice(0, 12)} (${this.firstHash.file})`]);
      return;
    }
    if (raw.trim() === "" || raw.startsWith("#")) return;
    const tab = raw.indexOf("\t");
    if (tab < 0) {
      diags.add(Msg.LogBadLine, spanOf(origin), ["expected participants, a tab, then the label"]);
      return;
    }
    const label = raw.slice(tab + 1).trim();
    const parts: Participation[] = [];
    let bad = label === "";
    for (const tok of raw.slice(0, tab).trim().split(/ +/)) {
      const at = tok.lastIndexOf("@");
      const seq = Number(tok.slice(at + 1));
      if (at <= 0 || !/^\d+$/.test(tok.slice(at + 1)) || !Number.isSafeInteger(seq) || seq < 1) {
        bad = true;
        break;
      }
      parts.push({ task: tok.slice(0, at), seq });
    }
    if (bad || parts.length === 0) {
      diags.add(Msg.LogBadLine, spanOf(origin), ["each participant is TASK@SEQ with SEQ from 1, and the label is not empty"]);
      return;
    }
    if (new Set(parts.map((p) => p.task)).size !== parts.length) {
      diags.add(Msg.LogBadLine, spanOf(origin), ["a task takes part twice in one action"]);
      return;
    }
    parts.sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0));
    const key = parts.map((p) => `${p.task}@${p.seq}`).join(" ");
    const same = this.records.get(key);
    if (same) {
      // The same action logged by several nodes counts once.
      if (same.label !== label) diags.add(Msg.LogLabelMismatch, spanOf(origin), [label, same.label, where(same.origin)]);
      return;
    }
    let clash = false;
    for (const p of parts) {
      const other = this.byTask.get(p.task)?.get(p.seq);
      if (other) {
        diags.add(Msg.LogTwoActions, spanOf(origin), [p.task, p.seq, where(other.origin)]);
        clash = true;
      }
    }
    if (clash) return;
    const rec: Record = { key, parts, label, origin, order: this.order++, emitted: false };
    this.records.set(key, rec);
    for (const p of parts) {
      let m = this.byTask.get(p.task);
      if (!m) this.byTask.set(p.task, (m = new Map()));
      m.set(p.seq, rec);
    }
    if (this.ready(rec)) this.emitFrom(rec);
  }

  private ready(r: Record): boolean {
    return r.parts.every((p) => (this.last.get(p.task) ?? 0) === p.seq - 1);
  }

  /** Emits `first`, then every action it makes ready, and so on; among those ready, the one read first. */
  private emitFrom(first: Record): void {
    const ready = [first];
    while (ready.length > 0) {
      let bi = 0;
      for (let i = 1; i < ready.length; i++) if (ready[i]!.order < ready[bi]!.order) bi = i;
      const r = ready[bi]!;
      ready[bi] = ready[ready.length - 1]!;
      ready.pop();
      if (r.emitted) continue;
      r.emitted = true;
      this.emittedCount++;
      for (const p of r.parts) this.last.set(p.task, p.seq);
      this.emit({ parts: r.parts, label: r.label });
      for (const p of r.parts) {
        const next = this.byTask.get(p.task)?.get(p.seq + 1);
        if (next && !next.emitted && this.ready(next)) ready.push(next);
      }
    }
  }

  /**
   * Every source is read: reports what is still waiting, a gap in a task's sequence (a
   * missing log) or a cycle. True when the logs were consistent and every action emitted.
   * The end of a task's sequence may be missing (a node that stopped), not its middle.
   */
  end(): boolean {
    if (this.diags.errorCount > this.before) return false;
    if (this.emittedCount === this.records.size) return true;
    for (const [task, m] of this.byTask) {
      let prev = this.last.get(task) ?? 0;
      for (const s of [...m.keys()].filter((s) => s > prev).sort((a, b) => a - b)) {
        if (s !== prev + 1) {
          this.diags.add(Msg.LogGap, spanOf(m.get(s)!.origin), [task, prev + 1, s]);
          break;
        }
        prev = s;
      }
    }
    if (this.diags.errorCount > this.before) return false;
    // No gap: every action left waits on one left before it, for one of its tasks; follow
    // them from the one read first until one repeats.
    const left = [...this.records.values()].filter((r) => !r.emitted);
    const pred = (r: Record): Record => {
      const p = r.parts.find((q) => (this.last.get(q.task) ?? 0) < q.seq - 1)!;
      return this.byTask.get(p.task)!.get(p.seq - 1)!;
    };
    let r = left.reduce((a, b) => (b.order < a.order ? b : a));
    const seen: Record[] = [];
    while (!seen.includes(r)) {
      seen.push(r);
      r = pred(r);
    }
    const cycle = seen.slice(seen.indexOf(r)).reverse();
    this.diags.add(Msg.LogCycle, spanOf(cycle[0]!.origin), [cycle.map((c) => `'${c.label}' [${c.key}] at ${where(c.origin)}`).join(" before ")]);
    return false;
  }
}
