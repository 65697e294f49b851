// Node logs of the actions taken, and their merge into one global trace. A node logs
// each action once, with the per-task sequence number of every participant; any order
// that keeps each task's actions in sequence is a valid global trace, because actions
// with no task in common commute. The merge is that topological order, and its errors
// (two actions at one task step, a cycle, a gap) point at file:line.
//
// Log format, one line each (docs/distributed.md):
//   # lntc-log 1 node=NAME deployment=HEX
//   TASK@SEQ[ TASK@SEQ...]<TAB>LABEL
// SEQ is the task's 1-based count of actions (its protocol step, unwrapped); LABEL is as
// `lntc simulate` prints it, `i` for an internal step or a hidden gate.

import type { DiagnosticBag } from "../src/frontend/diagnostics.js";
import type { SourceFile, Span } from "../src/frontend/source.js";
import { Msg } from "../src/frontend/diagnostic-messages.js";

export const LOG_HEADER = /^# lntc-log 1 node=(\S+) deployment=([0-9a-f]+)\s*$/;

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
  readonly span: Span;
  readonly order: number;
}

function where(span: Span): string {
  let line = 1;
  for (let i = 0; i < span.start; i++) if (span.file.text.charCodeAt(i) === 10) line++;
  return `${span.file.path}:${line}`;
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

/** The merged actions with their participants, internal steps included. */
export function mergeLogActions(files: readonly SourceFile[], diags: DiagnosticBag): MergedAction[] | undefined {
  const before = diags.errorCount;
  const records = new Map<string, Record>();
  const byTask = new Map<string, Map<number, Record>>();
  let firstHash: { hash: string; file: string } | undefined;
  let order = 0;
  for (const file of files) {
    const text = file.text;
    let start = 0;
    let lineNo = 0;
    while (start < text.length) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const raw = text.slice(start, end).replace(/\r$/, "");
      const span: Span = { file, start, end: start + raw.length };
      lineNo++;
      start = end + 1;
      if (lineNo === 1) {
        const h = LOG_HEADER.exec(raw);
        if (!h) {
          diags.add(Msg.LogBadHeader, span);
          break;
        }
        if (firstHash === undefined) firstHash = { hash: h[2]!, file: file.path };
        else if (firstHash.hash !== h[2]) diags.add(Msg.LogOtherDeployment, span, [h[2]!.slice(0, 12), `${firstHash.hash.slice(0, 12)} (${firstHash.file})`]);
        continue;
      }
      if (raw.trim() === "" || raw.startsWith("#")) continue;
      const tab = raw.indexOf("\t");
      if (tab < 0) {
        diags.add(Msg.LogBadLine, span, ["expected participants, a tab, then the label"]);
        continue;
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
        diags.add(Msg.LogBadLine, span, ["each participant is TASK@SEQ with SEQ from 1, and the label is not empty"]);
        continue;
      }
      if (new Set(parts.map((p) => p.task)).size !== parts.length) {
        diags.add(Msg.LogBadLine, span, ["a task takes part twice in one action"]);
        continue;
      }
      parts.sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0));
      const key = parts.map((p) => `${p.task}@${p.seq}`).join(" ");
      const same = records.get(key);
      if (same) {
        if (same.label !== label) diags.add(Msg.LogLabelMismatch, span, [label, same.label, where(same.span)]);
        continue;
      }
      const rec: Record = { key, parts, label, span, order: order++ };
      let clash = false;
      for (const p of parts) {
        const other = byTask.get(p.task)?.get(p.seq);
        if (other) {
          diags.add(Msg.LogTwoActions, span, [p.task, p.seq, where(other.span)]);
          clash = true;
        }
      }
      if (clash) continue;
      records.set(key, rec);
      for (const p of parts) {
        let m = byTask.get(p.task);
        if (!m) byTask.set(p.task, (m = new Map()));
        m.set(p.seq, rec);
      }
    }
  }
  if (diags.errorCount > before) return undefined;
  // Each task's actions in sequence: an edge from each to the next. A gap means a log is
  // missing; the end of a task's sequence may be cut short by a node that stopped.
  const succ = new Map<Record, Record[]>();
  const indeg = new Map<Record, number>();
  for (const r of records.values()) indeg.set(r, 0);
  for (const [task, m] of byTask) {
    const seqs = [...m.keys()].sort((a, b) => a - b);
    let prev = 0;
    for (const s of seqs) {
      if (s !== prev + 1) {
        diags.add(Msg.LogGap, m.get(s)!.span, [task, prev + 1, s]);
        break;
      }
      if (prev > 0) {
        const from = m.get(prev)!;
        const to = m.get(s)!;
        if (!succ.has(from)) succ.set(from, []);
        succ.get(from)!.push(to);
        indeg.set(to, indeg.get(to)! + 1);
      }
      prev = s;
    }
  }
  if (diags.errorCount > before) return undefined;
  // Kahn's algorithm; among the actions ready, the one logged first goes first, so that
  // the merge is deterministic and close to the order of the logs.
  const ready = [...records.values()].filter((r) => indeg.get(r) === 0);
  const out: Record[] = [];
  while (ready.length > 0) {
    let bi = 0;
    for (let i = 1; i < ready.length; i++) if (ready[i]!.order < ready[bi]!.order) bi = i;
    const r = ready[bi]!;
    ready[bi] = ready[ready.length - 1]!;
    ready.pop();
    out.push(r);
    for (const s of succ.get(r) ?? []) {
      const d = indeg.get(s)! - 1;
      indeg.set(s, d);
      if (d === 0) ready.push(s);
    }
  }
  if (out.length < records.size) {
    // Every action left waits on another one left: follow them until one repeats.
    const left = new Set([...records.values()].filter((r) => indeg.get(r)! > 0));
    const pred = new Map<Record, Record>();
    for (const [from, tos] of succ) for (const to of tos) if (left.has(from) && left.has(to)) pred.set(to, from);
    let r = [...left].sort((a, b) => a.order - b.order)[0]!;
    const seen: Record[] = [];
    while (!seen.includes(r)) {
      seen.push(r);
      r = pred.get(r)!;
    }
    const cycle = seen.slice(seen.indexOf(r)).reverse();
    diags.add(Msg.LogCycle, cycle[0]!.span, [cycle.map((c) => `'${c.label}' [${c.key}] at ${where(c.span)}`).join(" before ")]);
    return undefined;
  }
  return out.map((r) => ({ parts: r.parts, label: r.label }));
}
