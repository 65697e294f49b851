// The parser's token cursor: lookahead, keyword tests, error reporting with
// cascade suppression, recovery by skipping, and the nesting-depth guard that
// keeps hostile input from overflowing the stack. The grammar itself lives in
// parser.ts (definitions), parse-behaviours.ts and parse-expressions.ts.

import type { SourceFile, Span } from "./source.js";
import { positionOf } from "./source.js";
import type { DiagnosticBag } from "./diagnostics.js";
import { Msg, type DiagnosticMessage } from "./diagnostic-messages.js";
import type { Token } from "./lexer.js";
import type { Ident } from "./ast.js";

/** Words that can never be identifiers. Contextual words (`and`, `access`, `list`, ...) are not here. */
export const RESERVED: ReadonlySet<string> = new Set([
  "module", "with", "is", "end", "type", "function", "process", "channel", "var", "in", "out",
  "if", "then", "elsif", "else", "case", "of", "loop", "while", "for", "by", "break", "return",
  "raise", "trap", "select", "alt", "par", "hide", "disrupt", "stop", "null", "eval", "any",
  "none", "exit", "where", "only",
]);

/** Keywords that begin a definition: recovery never skips past them. */
export const DEFINITION_KEYWORDS: ReadonlySet<string> = new Set(["type", "function", "process", "channel"]);

/** Words that may follow `end`. */
export const END_WORDS: ReadonlySet<string> = new Set([
  "module", "type", "function", "process", "channel", "var", "if", "case", "loop", "trap",
  "select", "alt", "par", "hide", "disrupt",
]);

export const MAX_DEPTH = 500;

/** Thrown when nesting passes MAX_DEPTH; caught per definition. */
export class TooDeep {
  readonly tooDeep = true;
}

export class Parser {
  pos = 0;
  depth = 0;
  /** False while parsing the upper bound of `range m..n of T`, where `of` is not postfix. */
  allowOf = true;
  /** Inside a handler of `trap exception E is ...`, where `exception` starts the next handler. */
  trapHandlerDepth = 0;
  /** Index of the token at which the last error was reported: one error per token. */
  lastErrorAt = -1;

  constructor(
    readonly file: SourceFile,
    readonly tokens: readonly Token[],
    readonly diags: DiagnosticBag,
  ) {}

  get tok(): Token {
    return this.tokens[this.pos]!;
  }
  peek(k = 1): Token {
    const i = this.pos + k;
    return this.tokens[i < this.tokens.length ? i : this.tokens.length - 1]!;
  }
  atEof(): boolean {
    return this.tok.kind === "eof";
  }
  advance(): Token {
    const t = this.tok;
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  span(start: number, end: number): Span {
    return { file: this.file, start, end };
  }
  tokSpan(t: Token = this.tok): Span {
    return { file: this.file, start: t.start, end: t.end };
  }
  /** From `start` to the end of the last consumed token. */
  spanFrom(start: number): Span {
    const last = this.pos > 0 ? this.tokens[this.pos - 1]!.end : start;
    return { file: this.file, start, end: Math.max(start, last) };
  }
  lineOf(offset: number): number {
    return positionOf(this.file, offset).line;
  }

  // ---- token tests ---------------------------------------------------------

  /** The current token is the word `kw` (case-insensitive). */
  isKw(kw: string, t: Token = this.tok): boolean {
    return t.kind === "ident" && t.key === kw;
  }
  isPunct(p: string, t: Token = this.tok): boolean {
    return t.kind === "punct" && t.key === p;
  }
  /** An identifier that is not a reserved word. */
  isName(t: Token = this.tok): boolean {
    return t.kind === "ident" && !RESERVED.has(t.key);
  }
  /** `end` followed by `word`. */
  isEnd(word: string): boolean {
    return this.isKw("end") && this.isKw(word, this.peek());
  }
  isDefinitionStart(t: Token = this.tok): boolean {
    return t.kind === "ident" && DEFINITION_KEYWORDS.has(t.key);
  }

  eatKw(kw: string): boolean {
    if (this.isKw(kw)) {
      this.pos++;
      return true;
    }
    return false;
  }
  eatPunct(p: string): boolean {
    if (this.isPunct(p)) {
      this.pos++;
      return true;
    }
    return false;
  }

  // ---- errors --------------------------------------------------------------

  /** How the current token is named in messages (`'x'`, `'end loop'`, `end of file`). */
  describe(): string {
    const t = this.tok;
    switch (t.kind) {
      case "eof":
        return "end of file";
      case "string":
        return t.text.length > 24 ? `string ${t.text.slice(0, 20)}..."` : `string ${t.text}`;
      case "char":
        return `character ${t.text}`;
      case "ident": {
        const next = this.peek();
        if (t.key === "end" && next.kind === "ident") return quote(`end ${next.text}`);
        return quote(t.text);
      }
      default:
        return quote(t.text);
    }
  }

  /** Reports at the current token, unless an error was already reported there. */
  error(msg: DiagnosticMessage, args: readonly (string | number)[] = [], at: Span = this.tokSpan()): void {
    if (this.lastErrorAt === this.pos) return;
    this.lastErrorAt = this.pos;
    // The lexer has just reported what precedes this token (a bad character,
    // an unterminated literal): a syntax error here would repeat it.
    if (this.tok.afterLexError) return;
    this.diags.add(msg, at, args);
  }

  /** "expected X, found Y" at the current token. */
  expected(what: string): void {
    this.error(Msg.Expected, [what, this.describe()]);
  }

  expectPunct(p: string): boolean {
    if (this.eatPunct(p)) return true;
    this.expected(`'${p}'`);
    return false;
  }
  expectKw(kw: string): boolean {
    if (this.eatKw(kw)) return true;
    this.expected(`'${kw}'`);
    return false;
  }

  /**
   * Closes a bracketed construct: `end <word>`. When it is missing, names the
   * construct and where it was opened. A wrong `end X` for another construct
   * is left for that construct; a misspelt one is consumed.
   */
  expectEnd(word: string, openedAt: number, display: string = word): boolean {
    if (this.isEnd(word)) {
      this.pos += 2;
      return true;
    }
    this.error(Msg.ExpectedEnd, [display, this.lineOf(openedAt), this.describe()]);
    if (this.isKw("end")) {
      const next = this.peek();
      if (!(next.kind === "ident" && END_WORDS.has(next.key))) {
        // `end` alone or `end ifff`: take it as the intended end.
        this.pos++;
        if (next.kind === "ident" && !RESERVED.has(next.key) && !DEFINITION_KEYWORDS.has(next.key)) this.pos++;
        return false;
      }
    }
    return false;
  }

  // ---- identifiers ---------------------------------------------------------

  ident(t: Token): Ident {
    return { text: t.text, key: t.key, span: this.tokSpan(t) };
  }

  /** The `f ->` (or old `f =>`) that names an argument or an offer, consumed; else undefined. */
  argName(): Ident | undefined {
    if (!this.isName() || !(this.isPunct("->", this.peek()) || this.isPunct("=>", this.peek()))) return undefined;
    const field = this.ident(this.advance());
    this.advance();
    return field;
  }

  /** An identifier, or an error and a placeholder (without consuming a reserved word). */
  expectName(what = "an identifier"): Ident {
    const t = this.tok;
    if (this.isName(t)) {
      this.pos++;
      return this.ident(t);
    }
    this.expected(what);
    // A reserved word used as a name (`var loop: nat`) is taken as that name,
    // so that the declaration around it still parses.
    const next = this.peek();
    if (t.kind === "ident" && next.kind === "punct" && (next.key === ":" || next.key === "," || next.key === ":=")) {
      this.pos++;
      return this.ident(t);
    }
    return this.missingIdent();
  }

  missingIdent(): Ident {
    const t = this.tok;
    return { text: "<missing>", key: "<missing>", span: { file: this.file, start: t.start, end: t.start } };
  }

  /** A type name. */
  expectTypeName(): Ident {
    const t = this.tok;
    if (this.isName(t)) {
      this.pos++;
      return this.ident(t);
    }
    this.error(Msg.ExpectedType, [this.describe()]);
    return this.missingIdent();
  }

  // ---- recovery ------------------------------------------------------------

  /**
   * Skips tokens until one of `stops` (a word or a symbol), a definition
   * keyword, `end` or the end of file. Consumes at least one token unless
   * already at a stop.
   */
  skipUntil(stops: ReadonlySet<string>): void {
    while (!this.atEof()) {
      const t = this.tok;
      if (stops.has(t.key) && (t.kind === "punct" || t.kind === "ident")) return;
      if (this.isKw("end", t) || this.isDefinitionStart(t)) break;
      this.pos++;
    }
    // The landing token is still part of the same error.
    this.lastErrorAt = this.pos;
  }

  // ---- depth guard ---------------------------------------------------------

  enter(): void {
    if (++this.depth > MAX_DEPTH) {
      this.error(Msg.TooDeep, [MAX_DEPTH]);
      throw new TooDeep();
    }
  }
  leave(): void {
    this.depth--;
  }
}

export function isTooDeep(e: unknown): e is TooDeep {
  return e instanceof TooDeep;
}

function quote(text: string): string {
  return `'${text.length > 30 ? text.slice(0, 27) + "..." : text}'`;
}
