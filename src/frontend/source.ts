// Source files and ranges. Every later stage points back at the user's text
// through a Span, so that any error, even one found at run time, can name the
// file, line and column.

export interface SourceFile {
  /** The path as the user gave it (or as an import resolved it). */
  readonly path: string;
  readonly text: string;
  /** Offsets of the first character of each line; computed once, lazily. */
  lineStarts?: number[];
}

/** A half-open range [start, end) of character offsets in one file. */
export interface Span {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters. */
  readonly column: number;
}

export function sourceFile(path: string, text: string): SourceFile {
  return { path, text };
}

function lineStartsOf(file: SourceFile): number[] {
  if (file.lineStarts) return file.lineStarts;
  const starts = [0];
  const t = file.text;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (t.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  file.lineStarts = starts;
  return starts;
}

export function positionOf(file: SourceFile, offset: number): Position {
  const starts = lineStartsOf(file);
  const off = Math.max(0, Math.min(offset, file.text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= off) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: off - starts[lo]! + 1 };
}

/** The text of a 1-based line, without its line terminator. */
export function lineText(file: SourceFile, line: number): string {
  const starts = lineStartsOf(file);
  if (line < 1 || line > starts.length) return "";
  const s = starts[line - 1]!;
  let e = line < starts.length ? starts[line]! : file.text.length;
  while (e > s && (file.text.charCodeAt(e - 1) === 10 || file.text.charCodeAt(e - 1) === 13)) e--;
  return file.text.slice(s, e);
}

export function span(file: SourceFile, start: number, end: number): Span {
  return { file, start, end };
}

/** The smallest span covering both (which must be in the same file). */
export function cover(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function formatPosition(s: Span): string {
  const p = positionOf(s.file, s.start);
  return `${s.file.path}:${p.line}:${p.column}`;
}
