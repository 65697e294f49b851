// Diagnostics are data: each carries a stable code from the catalogue in
// diagnostic-messages.ts, a severity, a message and a source range. Stages add
// them to a DiagnosticBag and go on where they can; only the CLI prints them.

import { type Span, positionOf, lineText } from "./source.js";
import type { DiagnosticMessage } from "./diagnostic-messages.js";

export type Severity = "error" | "warning" | "note";

export interface RelatedInfo {
  readonly message: string;
  readonly span: Span;
}

export interface Diagnostic {
  /** Stable code, e.g. "LNT1001". */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Absent only for diagnostics about no particular place (a usage error). */
  readonly span: Span | undefined;
  readonly related: readonly RelatedInfo[];
}

export function codeString(n: number): string {
  return `LNT${String(n).padStart(4, "0")}`;
}

/** Fills "{0}", "{1}", ... in a catalogue template. */
export function formatMessage(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (_m, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? `{${i}}` : String(v);
  });
}

export function makeDiagnostic(
  msg: DiagnosticMessage,
  span: Span | undefined,
  args: readonly (string | number)[] = [],
  related: readonly RelatedInfo[] = [],
): Diagnostic {
  return {
    code: codeString(msg.code),
    severity: msg.severity,
    message: formatMessage(msg.text, args),
    span,
    related,
  };
}

export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  /** Caps runaway error cascades on garbage input. */
  readonly limit: number;
  private errors = 0;

  constructor(limit = 200) {
    this.limit = limit;
  }

  add(msg: DiagnosticMessage, span: Span | undefined, args: readonly (string | number)[] = [], related: readonly RelatedInfo[] = []): Diagnostic {
    const d = makeDiagnostic(msg, span, args, related);
    this.push(d);
    return d;
  }

  push(d: Diagnostic): void {
    if (d.severity === "error") this.errors++;
    if (this.items.length < this.limit) this.items.push(d);
  }

  get errorCount(): number {
    return this.errors;
  }

  hasErrors(): boolean {
    return this.errors > 0;
  }

  /** In source order (file, then offset), errors before warnings at one place. */
  sorted(): Diagnostic[] {
    return [...this.items].sort((a, b) => {
      const fa = a.span?.file.path ?? "";
      const fb = b.span?.file.path ?? "";
      if (fa !== fb) return fa < fb ? -1 : 1;
      return (a.span?.start ?? 0) - (b.span?.start ?? 0);
    });
  }
}

export interface RenderOptions {
  readonly color?: boolean;
}

const SGR = { red: "\x1b[31m", yellow: "\x1b[33m", cyan: "\x1b[36m", bold: "\x1b[1m", reset: "\x1b[0m" };

/**
 * `file:line:col: error: message [LNT1234]`, then the source line and a caret
 * line under the range (the first line of it, when it spans several).
 */
export function renderDiagnostic(d: Diagnostic, opts: RenderOptions = {}): string {
  const c = (code: string, s: string) => (opts.color ? code + s + SGR.reset : s);
  const sevColor = d.severity === "error" ? SGR.red : d.severity === "warning" ? SGR.yellow : SGR.cyan;
  const lines: string[] = [];
  const head = `${c(sevColor + SGR.bold, d.severity)}: ${d.message} [${d.code}]`;
  if (!d.span) {
    lines.push(`lntc: ${head}`);
    return lines.join("\n");
  }
  lines.push(`${where(d.span)}: ${head}`);
  lines.push(...excerpt(d.span, opts, sevColor));
  for (const r of d.related) {
    lines.push(`${where(r.span)}: ${c(SGR.cyan, "note")}: ${r.message}`);
    lines.push(...excerpt(r.span, opts, SGR.cyan));
  }
  return lines.join("\n");
}

function where(s: Span): string {
  const p = positionOf(s.file, s.start);
  return `${s.file.path}:${p.line}:${p.column}`;
}

function excerpt(s: Span, opts: RenderOptions, color: string): string[] {
  const p = positionOf(s.file, s.start);
  const q = positionOf(s.file, Math.max(s.start, s.end));
  const raw = lineText(s.file, p.line);
  // Tabs would misalign the caret; show them as single spaces.
  const text = raw.replace(/\t/g, " ");
  if (text.length > 400) return [];
  const gutter = String(p.line).length;
  const width = q.line === p.line ? Math.max(1, q.column - p.column) : Math.max(1, text.length - p.column + 1);
  const caret = " ".repeat(Math.max(0, p.column - 1)) + "^" + "~".repeat(Math.max(0, width - 1));
  const paint = (x: string) => (opts.color ? color + x + SGR.reset : x);
  return [`${" ".repeat(gutter)} |`, `${p.line} | ${text}`, `${" ".repeat(gutter)} | ${paint(caret)}`];
}

/** Raised for a compiler bug; the CLI reports it with the position being processed. */
export class InternalError extends Error {
  constructor(message: string, readonly span?: Span) {
    super(message);
  }
}
