// The LNT lexer: source text -> tokens with spans. Keywords are not told apart
// here (LNT has contextual words such as `and` or `access`): every word is an
// `ident` token with a lower-cased key, and the parser decides. Bad characters
// and unterminated literals are reported and skipped, so lexing never fails.

import type { SourceFile, Span } from "./source.js";
import type { DiagnosticBag } from "./diagnostics.js";
import { Msg, type DiagnosticMessage } from "./diagnostic-messages.js";

export type TokenKind = "ident" | "number" | "real" | "char" | "string" | "punct" | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** As written (for `punct`, the symbol; for `string`/`char`, with quotes). */
  readonly text: string;
  /** `ident`: lower-cased text; `punct`: the symbol; otherwise the text. */
  readonly key: string;
  /** `string`/`char`: the decoded value. */
  readonly value: string | undefined;
  /** The lexer reported an error between the previous token and the end of this one. */
  readonly afterLexError: boolean;
  readonly start: number;
  readonly end: number;
}

/** Longest first, so that `...` wins over `..` and `.`. */
const PUNCTS: readonly string[] = [
  "...", "..", ".{", "!?", "!=", "[]", "||", "->", "=>", ":=", "==", "<>", "<=", ">=", "**",
  ".", "!", "?", "[", "]", "|", "-", "=", ":", "<", ">", "*", "#", ";", ",", "(", ")", "{", "}", "+", "/", "&",
];

const PUNCT_BY_FIRST = new Map<number, string[]>();
for (const p of PUNCTS) {
  const c = p.charCodeAt(0);
  let list = PUNCT_BY_FIRST.get(c);
  if (!list) PUNCT_BY_FIRST.set(c, (list = []));
  list.push(p);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function tokenize(file: SourceFile, diags: DiagnosticBag): Token[] {
  const text = file.text;
  const n = text.length;
  const tokens: Token[] = [];
  const sp = (start: number, end: number): Span => ({ file, start, end });
  // A byte-order mark, as some editors write, is not part of the text.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  // Set by a lexical error, and carried by the next token.
  let lexError = false;
  const report = (msg: DiagnosticMessage, at: Span, args: readonly string[] = []): void => {
    diags.add(msg, at, args);
    lexError = true;
  };
  const push = (kind: TokenKind, start: number, end: number, t: string, key: string, value: string | undefined): void => {
    tokens.push({ kind, text: t, key, value, start, end, afterLexError: lexError });
    lexError = false;
  };

  /** Reads one escape sequence after a backslash at `i`; returns the decoded text and the new index. */
  const readEscape = (at: number): [string, number] => {
    const c = text.charCodeAt(at + 1);
    switch (c) {
      case 110: return ["\n", at + 2]; // n
      case 116: return ["\t", at + 2]; // t
      case 114: return ["\r", at + 2]; // r
      case 97: return ["\x07", at + 2]; // a
      case 98: return ["\b", at + 2]; // b
      case 102: return ["\f", at + 2]; // f
      case 118: return ["\v", at + 2]; // v
      case 120: { // xHH
        let j = at + 2;
        let v = 0;
        while (j < n && j < at + 4 && isHexDigit(text.charCodeAt(j))) v = v * 16 + parseInt(text[j]!, 16), j++;
        if (j === at + 2) return ["x", at + 2];
        return [String.fromCharCode(v), j];
      }
      default:
        if (c >= 48 && c <= 55) { // octal \ooo
          let j = at + 1;
          let v = 0;
          while (j < n && j < at + 4 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 55) v = v * 8 + (text.charCodeAt(j) - 48), j++;
          return [String.fromCharCode(v), j];
        }
        if (Number.isNaN(c) || c === 10 || c === 13) return ["", at + 1];
        return [text[at + 1]!, at + 2];
    }
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // Whitespace.
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    // `--` comment.
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      i += 2;
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    // `(* ... *)` comment, not nested.
    if (c === 40 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*)", i + 2);
      if (close < 0) {
        report(Msg.UnterminatedComment, sp(i, i + 2));
        i = n;
      } else i = close + 2;
      continue;
    }
    const start = i;
    if (isLetter(c) || c === 95) {
      i++;
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      const t = text.slice(start, i);
      push("ident", start, i, t, t.toLowerCase(), undefined);
      continue;
    }
    if (isDigit(c)) {
      let kind: TokenKind = "number";
      let bad = false;
      const c1 = text.charCodeAt(i + 1) | 32;
      if (c === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
        // 0x.., 0o.., 0b..
        const ok = c1 === 120 ? isHexDigit : c1 === 111 ? (d: number) => d >= 48 && d <= 55 : (d: number) => d === 48 || d === 49;
        i += 2;
        const digitsStart = i;
        while (i < n && (ok(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
        if (i === digitsStart) bad = true;
      } else {
        while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
        // A fraction needs a digit after the dot: `1..5` is a range.
        if (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1))) {
          kind = "real";
          i += 2;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
        const e = text.charCodeAt(i) | 32;
        if (e === 101) {
          let j = i + 1;
          if (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45) j++;
          if (isDigit(text.charCodeAt(j))) {
            while (j < n && isDigit(text.charCodeAt(j))) j++;
            i = j;
            kind = "real";
          }
        }
      }
      // Letters glued to a number (`12ab`, `0x1G`) make one bad literal.
      while (i < n && isWordChar(text.charCodeAt(i))) i++, (bad = true);
      if (bad) report(Msg.InvalidNumber, sp(start, i), [text.slice(start, i)]);
      const num = text.slice(start, i);
      push(kind, start, i, num, num, undefined);
      continue;
    }
    if (c === 34) {
      // String literal.
      let v = "";
      i++;
      let closed = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 34) {
          // `""` inside a string stands for one quote.
          if (text.charCodeAt(i + 1) === 34) {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        if (d === 10 || d === 13) break;
        if (d === 92) {
          const [s, j] = readEscape(i);
          v += s;
          i = j;
          continue;
        }
        v += text[i];
        i++;
      }
      if (!closed) report(Msg.UnterminatedString, sp(start, i));
      const str = text.slice(start, i);
      push("string", start, i, str, str, v);
      continue;
    }
    if (c === 39) {
      // Character literal: 'a', '\n', '\''.
      let v = "";
      let j = i + 1;
      const d = text.charCodeAt(j);
      if (d === 92) {
        [v, j] = readEscape(j);
      } else if (j < n && d !== 10 && d !== 13 && d !== 39) {
        v = String.fromCodePoint(text.codePointAt(j)!);
        j += v.length;
      }
      if (text.charCodeAt(j) === 39 && v !== "") {
        i = j + 1;
      } else {
        report(Msg.UnterminatedChar, sp(start, Math.max(j, start + 1)));
        i = Math.max(j, start + 1);
      }
      const chr = text.slice(start, i);
      push("char", start, i, chr, chr, v);
      continue;
    }
    const candidates = PUNCT_BY_FIRST.get(c);
    if (candidates) {
      let p = candidates[candidates.length - 1]!;
      for (const q of candidates) {
        if (text.startsWith(q, i)) {
          p = q;
          break;
        }
      }
      i += p.length;
      push("punct", start, i, p, p, undefined);
      continue;
    }
    // Invalid characters: one diagnostic for a run of them.
    i++;
    while (i < n && isInvalidStart(text.charCodeAt(i))) i++;
    report(Msg.InvalidCharacter, sp(start, i), [describeChars(text.slice(start, i))]);
  }
  push("eof", n, n, "", "", undefined);
  return tokens;
}

function isInvalidStart(c: number): boolean {
  if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) return false;
  if (isWordChar(c) || c === 34 || c === 39) return false;
  return !PUNCT_BY_FIRST.has(c);
}

function describeChars(s: string): string {
  const shown = s.length > 12 ? s.slice(0, 12) + "..." : s;
  const printable = /^[\x21-\x7e\u00a0-\uffff]*$/.test(shown) ? shown : "";
  const codes = [...s.slice(0, 4)].map((ch) => "U+" + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")).join(" ");
  return printable ? `'${printable}' (${codes})` : codes;
}
