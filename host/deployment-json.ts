// A small JSON reader that keeps the position of every value and key, so that a
// deployment file's errors, syntax and schema alike, name the file, line and column.

import type { SourceFile, Span } from "../src/frontend/source.js";

export type JsonValue =
  | { readonly kind: "object"; readonly span: Span; readonly members: readonly JsonMember[] }
  | { readonly kind: "array"; readonly span: Span; readonly items: readonly JsonValue[] }
  | { readonly kind: "string"; readonly span: Span; readonly value: string }
  | { readonly kind: "number"; readonly span: Span; readonly value: number }
  | { readonly kind: "boolean"; readonly span: Span; readonly value: boolean }
  | { readonly kind: "null"; readonly span: Span };

export interface JsonMember {
  readonly key: string;
  readonly keySpan: Span;
  readonly value: JsonValue;
}

/** A syntax error at a span; the message is one of the catalogue's syntax templates' arguments. */
export class JsonSyntaxError extends Error {
  constructor(readonly span: Span, readonly what: string) {
    super(what);
  }
}

export function parseJson(file: SourceFile): JsonValue {
  const t = file.text;
  let pos = 0;
  const span = (start: number, end = pos): Span => ({ file, start, end });
  const fail = (what: string, at = pos, len = 1): never => {
    throw new JsonSyntaxError(span(at, Math.min(at + len, t.length)), what);
  };
  const describe = (): string => (pos >= t.length ? "the end of the file" : `'${t[pos]}'`);
  const ws = (): void => {
    while (pos < t.length && (t[pos] === " " || t[pos] === "\t" || t[pos] === "\n" || t[pos] === "\r")) pos++;
  };
  const value = (depth: number): JsonValue => {
    if (depth > 200) fail("nesting deeper than 200 levels");
    ws();
    const start = pos;
    const c = t[pos];
    if (c === "{") {
      pos++;
      const members: JsonMember[] = [];
      ws();
      if (t[pos] === "}") {
        pos++;
        return { kind: "object", span: span(start), members };
      }
      for (;;) {
        ws();
        if (t[pos] !== '"') fail(`expected a key in double quotes, found ${describe()}`);
        const k = string();
        ws();
        if (t[pos] !== ":") fail(`expected ':' after the key, found ${describe()}`);
        pos++;
        members.push({ key: k.value, keySpan: k.span, value: value(depth + 1) });
        ws();
        if (t[pos] === ",") {
          pos++;
          continue;
        }
        if (t[pos] === "}") {
          pos++;
          return { kind: "object", span: span(start), members };
        }
        fail(`expected ',' or '}' in the object opened at ${where(start)}, found ${describe()}`);
      }
    }
    if (c === "[") {
      pos++;
      const items: JsonValue[] = [];
      ws();
      if (t[pos] === "]") {
        pos++;
        return { kind: "array", span: span(start), items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (t[pos] === ",") {
          pos++;
          continue;
        }
        if (t[pos] === "]") {
          pos++;
          return { kind: "array", span: span(start), items };
        }
        fail(`expected ',' or ']' in the array opened at ${where(start)}, found ${describe()}`);
      }
    }
    if (c === '"') return string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(pos, pos + 400));
      if (!m) fail("malformed number");
      pos += m![0].length;
      return { kind: "number", span: span(start), value: Number(m![0]) };
    }
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (t.startsWith(word, pos)) {
        pos += word.length;
        return v === null ? { kind: "null", span: span(start) } : { kind: "boolean", span: span(start), value: v };
      }
    }
    return fail(`expected a value, found ${describe()}`);
  };
  const where = (offset: number): string => {
    let line = 1;
    let col = 1;
    for (let i = 0; i < offset; i++) {
      if (t[i] === "\n") (line++, (col = 1));
      else col++;
    }
    return `${line}:${col}`;
  };
  const string = (): { kind: "string"; span: Span; value: string } => {
    const start = pos;
    pos++;
    let out = "";
    for (;;) {
      if (pos >= t.length || t[pos] === "\n") fail("unterminated string", start, pos - start);
      const ch = t[pos]!;
      if (ch === '"') {
        pos++;
        return { kind: "string", span: span(start), value: out };
      }
      if (ch === "\\") {
        const e = t[pos + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          pos += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(t.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(t.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else fail("invalid escape in a string", pos, 2);
      } else if (ch.charCodeAt(0) < 0x20) fail("control character in a string");
      else {
        out += ch;
        pos++;
      }
    }
  };
  const v = value(0);
  ws();
  if (pos < t.length) fail(`unexpected ${describe()} after the end of the document`);
  return v;
}
