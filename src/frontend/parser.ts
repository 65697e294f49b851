// The LNT parser's entry point: modules, pragmas, `with` clauses and the four
// kinds of definition (type, channel, function, process). Behaviours and
// expressions are in parse-behaviours.ts and parse-expressions.ts; the token
// cursor and error recovery in parser-core.ts.

import type {
  ChannelDef, ConstructorDef, Definition, Expr, FieldDef, FunctionDef, GateDecl, Ident, Module, ParamDecl,
  ParamMode, Pragma, ProcessDef, Profile, ProfileItem, Stmt, TypeBody, TypeDef, WithItem,
} from "./ast.js";
import type { SourceFile } from "./source.js";
import { InternalError, type DiagnosticBag } from "./diagnostics.js";
import { Msg } from "./diagnostic-messages.js";
import { tokenize } from "./lexer.js";
import { Parser, isTooDeep, DEFINITION_KEYWORDS } from "./parser-core.js";
import { OPERATOR_SYMBOLS, operatorKey, parseExpr } from "./parse-expressions.js";
import { parseGateDecls, parseSeq } from "./parse-behaviours.js";

/** Parses one file into a module; reports syntax errors to `diags` and recovers where it can. */
export function parseModule(file: SourceFile, diags: DiagnosticBag): Module | undefined {
  const tokens = tokenize(file, diags);
  const p = new Parser(file, tokens, diags);
  if (p.atEof()) {
    diags.add(Msg.EmptyFile, p.span(0, 0));
    return undefined;
  }
  try {
    return parseUnit(p);
  } catch (e) {
    // The depth guard is caught per definition; a stack overflow that slips
    // through is still reported as a diagnostic, not a crash.
    if (e instanceof RangeError || isTooDeep(e)) {
      if (!isTooDeep(e)) diags.add(Msg.TooDeep, p.tokSpan(), [p.depth]);
      return undefined;
    }
    if (e instanceof InternalError) throw e;
    throw new InternalError(`parser: ${e instanceof Error ? e.message : String(e)}`, p.tokSpan());
  }
}

function parseUnit(p: Parser): Module {
  const start = p.tok.start;
  if (!p.isKw("module")) {
    p.expected("'module'");
    // Look for `module` further on; without it, parse definitions anyway.
    while (!p.atEof() && !p.isKw("module") && !p.isDefinitionStart()) p.advance();
  }
  let name: Ident = p.missingIdent();
  let imports: Ident[] = [];
  let withItems: WithItem[] = [];
  const hadHeader = p.eatKw("module");
  if (hadHeader) {
    name = p.expectName("a module name");
    if (p.eatPunct("(")) {
      if (!p.isPunct(")")) {
        do imports.push(p.expectName("a module name"));
        while (p.eatPunct(","));
      }
      p.expectPunct(")");
    }
    if (p.eatKw("with")) withItems = parseWithItems(p);
    if (!p.expectKw("is")) {
      while (!p.atEof() && !p.isKw("is") && !p.isDefinitionStart()) p.advance();
      p.eatKw("is");
    }
  }
  const pragmas = parsePragmas(p);
  const definitions: Definition[] = [];
  while (!p.atEof() && !p.isEnd("module")) {
    // `end modul`: the module's misspelt end, reported below.
    if (p.isKw("end") && !(p.peek().kind === "ident" && DEFINITION_KEYWORDS.has(p.peek().key))) break;
    if (p.isDefinitionStart()) {
      const before = p.pos;
      const d = parseDefinition(p);
      if (d) definitions.push(d);
      if (p.pos === before) p.advance();
      continue;
    }
    if (p.isPunct("!") && p.peek().kind === "ident") {
      // Pragmas between definitions are kept with the module's.
      pragmas.push(...parsePragmas(p));
      continue;
    }
    p.error(Msg.ExpectedDefinition, [p.describe()]);
    // A stray `end process` goes as a whole, so that `process` starts nothing.
    if (p.isKw("end") && p.peek().kind === "ident") p.pos += 2;
    else p.advance();
    while (!p.atEof() && !p.isDefinitionStart() && !p.isEnd("module")) p.advance();
  }
  if (p.isEnd("module")) p.pos += 2;
  else if (hadHeader) p.expectEnd("module", start);
  if (!p.atEof()) p.error(Msg.TrailingInput, [p.describe()]);
  return { kind: "module", file: p.file, name, imports, withItems, pragmas, definitions, span: p.span(start, p.file.text.length) };
}

/** Skips to the `end <word>` closing a broken definition, or to the next definition. */
function recoverDefinition(p: Parser, word: string): void {
  while (!p.atEof()) {
    if (p.isEnd(word)) {
      p.pos += 2;
      return;
    }
    if (p.isDefinitionStart() || p.isEnd("module")) return;
    p.advance();
  }
}

function parseDefinition(p: Parser): Definition | undefined {
  const word = p.tok.key;
  const start = p.pos;
  try {
    switch (word) {
      case "type":
        return parseType(p);
      case "channel":
        return parseChannel(p);
      case "function":
        return parseFunction(p);
      case "process":
        return parseProcess(p);
      default:
        return undefined;
    }
  } catch (e) {
    if (!isTooDeep(e)) throw e;
    p.depth = 0;
    if (p.pos === start) p.advance();
    recoverDefinition(p, word);
    return undefined;
  }
}

/** Closes a definition: `end <word>`, or reports and skips to it. */
function closeDefinition(p: Parser, word: string, openedAt: number): void {
  if (p.isEnd(word)) {
    p.pos += 2;
    return;
  }
  p.expectEnd(word, openedAt);
  recoverDefinition(p, word);
}

// ---------------------------------------------------------------------------
// Pragmas and `with`

/** Pragmas that never take a value: a word after them is not theirs. */
const VALUELESS_PRAGMAS: ReadonlySet<string> = new Set(["external", "virtual"]);

function parsePragmas(p: Parser): Pragma[] {
  const pragmas: Pragma[] = [];
  while (p.isPunct("!") && p.peek().kind === "ident") {
    const start = p.advance().start;
    const name = p.ident(p.advance());
    let value: Pragma["value"];
    const t = p.tok;
    if (t.kind === "number") {
      p.advance();
      value = { kind: "number", text: t.text, span: p.tokSpan(t) };
    } else if (t.kind === "string") {
      p.advance();
      value = { kind: "string", value: t.value ?? "", span: p.tokSpan(t) };
    } else if (p.isName(t) && !VALUELESS_PRAGMAS.has(name.key) && !DEFINITION_KEYWORDS.has(t.key) && !p.isPunct("(", p.peek()) && !p.isPunct(":", p.peek())) {
      p.advance();
      value = { kind: "ident", ident: p.ident(t) };
    }
    pragmas.push({ name, value, span: p.spanFrom(start) });
  }
  return pragmas;
}

const WITH_SYMBOLS: ReadonlySet<string> = new Set(["==", "!=", "=", "<>", "<", "<=", ">", ">="]);

function parseWithItems(p: Parser): WithItem[] {
  const items: WithItem[] = [];
  do {
    const t = p.tok;
    if (t.kind === "string") {
      p.advance();
      items.push({ name: operatorKey(t.value ?? ""), quoted: true, span: p.tokSpan(t) });
    } else if (t.kind === "punct" && WITH_SYMBOLS.has(t.key)) {
      p.advance();
      items.push({ name: operatorKey(t.key), quoted: false, span: p.tokSpan(t) });
    } else if (t.kind === "ident" && t.key !== "end" && t.key !== "is") {
      p.advance();
      items.push({ name: t.key, quoted: false, span: p.tokSpan(t) });
    } else {
      p.expected("a 'with' function name");
      break;
    }
  } while (p.eatPunct(","));
  return items;
}

// ---------------------------------------------------------------------------
// Types

function parseType(p: Parser): TypeDef {
  const start = p.advance().start;
  const name = p.expectName("a type name");
  p.expectKw("is");
  const pragmas = parsePragmas(p);
  // An external type (`type T is !external !implementedby "T" end type`) has no body.
  const body: TypeBody =
    pragmas.length > 0 && (p.isKw("end") || p.isKw("with"))
      ? { kind: "constructors", constructors: [], span: p.span(p.tok.start, p.tok.start) }
      : parseTypeBody(p);
  pragmas.push(...parsePragmas(p));
  const withItems: WithItem[] = [];
  while (p.eatKw("with")) {
    withItems.push(...parseWithItems(p));
    pragmas.push(...parsePragmas(p));
  }
  closeDefinition(p, "type", start);
  return { kind: "type", name, pragmas, body, withItems, span: p.spanFrom(start) };
}

function parseBounds(p: Parser): [Expr, Expr] {
  const low = parseExpr(p);
  if (!p.eatPunct("...") && !p.eatPunct("..")) p.expected("'...' or '..'");
  const high = parseExpr(p);
  return [low, high];
}

function parseTypeBody(p: Parser): TypeBody {
  const start = p.tok.start;
  const next = p.peek();
  const t = p.tok;
  if ((p.isKw("list") || p.isKw("set")) && p.isKw("of", next)) {
    p.pos += 2;
    const element = p.expectTypeName();
    return { kind: "list", sorted: false, set: t.key === "set", element, span: p.spanFrom(start) };
  }
  if ((p.isKw("list") || p.isKw("set")) && p.isName(next) && (p.isKw("end", p.peek(2)) || p.isKw("with", p.peek(2)))) {
    // `list nat`: the `of` is missing.
    p.advance();
    p.expectKw("of");
    const element = p.expectTypeName();
    return { kind: "list", sorted: false, set: t.key === "set", element, span: p.spanFrom(start) };
  }
  if (p.isKw("sorted") && (p.isKw("list", next) || p.isKw("set", next)) && p.isKw("of", p.peek(2))) {
    p.pos += 3;
    const element = p.expectTypeName();
    return { kind: "list", sorted: true, set: next.key === "set", element, span: p.spanFrom(start) };
  }
  if (p.isKw("array") && p.isPunct("[", next)) {
    p.pos += 2;
    const [low, high] = parseBounds(p);
    p.expectPunct("]");
    p.expectKw("of");
    const element = p.expectTypeName();
    return { kind: "array", low, high, element, span: p.spanFrom(start) };
  }
  if (p.isKw("range") && !p.isPunct(",", next) && !p.isPunct("(", next) && !p.isKw("with", next) && !p.isKw("end", next)) {
    p.advance();
    p.allowOf = false;
    let bounds: [Expr, Expr];
    try {
      bounds = parseBounds(p);
    } finally {
      p.allowOf = true;
    }
    const [low, high] = bounds;
    p.expectKw("of");
    const base = p.expectTypeName();
    return { kind: "range", low, high, base, span: p.spanFrom(start) };
  }
  if (p.isName() && p.isPunct(":", next)) {
    const variable = p.ident(p.advance());
    p.advance();
    const base = p.expectTypeName();
    const predicate = p.eatKw("where") ? parseExpr(p) : undefined;
    return { kind: "subtype", variable, base, predicate, span: p.spanFrom(start) };
  }
  const constructors: ConstructorDef[] = [];
  do {
    const cstart = p.tok.start;
    if (!p.isName()) {
      p.expected("a constructor name");
      break;
    }
    const cname = p.ident(p.advance());
    const fields: FieldDef[] = [];
    if (p.eatPunct("(")) {
      if (!p.isPunct(")")) fields.push(...parseTypedNames(p, "a field name"));
      p.expectPunct(")");
    }
    const pragmas = parsePragmas(p);
    constructors.push({ name: cname, fields, pragmas, span: p.spanFrom(cstart) });
  } while (p.eatPunct(","));
  return { kind: "constructors", constructors, span: p.spanFrom(start) };
}

/** `a, b: T, c: U`. */
function parseTypedNames(p: Parser, what: string): FieldDef[] {
  const out: FieldDef[] = [];
  do {
    const start = p.tok.start;
    const names: Ident[] = [p.expectName(what)];
    while (p.eatPunct(",")) names.push(p.expectName(what));
    p.expectPunct(":");
    const type = p.expectTypeName();
    out.push({ names, type, span: p.spanFrom(start) });
  } while (p.eatPunct(","));
  return out;
}

// ---------------------------------------------------------------------------
// Channels

function parseChannel(p: Parser): ChannelDef {
  const start = p.advance().start;
  const name = p.expectName("a channel name");
  p.expectKw("is");
  const profiles: Profile[] = [];
  if (p.isPunct("(")) {
    do profiles.push(parseProfile(p));
    while (p.eatPunct(","));
  } else p.expected("'('");
  closeDefinition(p, "channel", start);
  return { kind: "channel", name, profiles, span: p.spanFrom(start) };
}

/** `(T, U)` or `(x, y: T, z: U)`: names before `:` are fields, bare names are types. */
function parseProfile(p: Parser): Profile {
  const start = p.tok.start;
  const items: ProfileItem[] = [];
  p.expectPunct("(");
  if (!p.isPunct(")")) {
    let pending: Ident[] = [];
    for (;;) {
      const name = p.expectTypeName();
      pending.push(name);
      if (p.eatPunct(":")) {
        const type = p.expectTypeName();
        items.push({ names: pending, type, span: p.span(pending[0]!.span.start, type.span.end) });
        pending = [];
      }
      if (!p.eatPunct(",")) break;
    }
    for (const t of pending) items.push({ names: [], type: t, span: t.span });
  }
  p.expectPunct(")");
  return { items, span: p.spanFrom(start) };
}

// ---------------------------------------------------------------------------
// Functions and processes

function parseParams(p: Parser): ParamDecl[] {
  const params: ParamDecl[] = [];
  p.expectPunct("(");
  if (p.eatPunct(")")) return params;
  do {
    const start = p.tok.start;
    let mode: ParamMode = "in";
    let explicitMode = false;
    if (p.eatKw("in")) {
      explicitMode = true;
      if (p.eatKw("out")) mode = "in out";
      else if (p.eatKw("var")) mode = "in var";
    } else if (p.eatKw("out")) {
      explicitMode = true;
      mode = "out";
    }
    const names: Ident[] = [p.expectName("a parameter name")];
    while (p.isPunct(",") && p.isName(p.peek())) {
      p.advance();
      names.push(p.ident(p.advance()));
    }
    p.expectPunct(":");
    const type = p.expectTypeName();
    params.push({ mode, explicitMode, names, type, span: p.spanFrom(start) });
  } while (p.eatPunct(",") || p.eatPunct(";"));
  p.expectPunct(")");
  return params;
}

/** `require E;` / `ensure E;` clauses at the start of a body. */
function parseContracts(p: Parser, requires: Expr[], ensures: Expr[]): void {
  while ((p.isKw("require") || p.isKw("ensure")) && !p.isPunct(":=", p.peek()) && !p.isPunct(";", p.peek()) && !p.isPunct("[", p.peek())) {
    const which = p.advance().key;
    const e = parseExpr(p);
    (which === "require" ? requires : ensures).push(e);
    if (!p.eatPunct(";") && !p.isKw("end")) p.expected("';'");
  }
}

function parseBody(p: Parser): Stmt | undefined {
  if (p.isKw("end")) return undefined;
  return parseSeq(p);
}

function parseFunction(p: Parser): FunctionDef {
  const start = p.advance().start;
  let name: Ident;
  const t = p.tok;
  if (t.kind === "punct" && OPERATOR_SYMBOLS.has(t.key)) {
    p.advance();
    name = { text: t.text, key: operatorKey(t.text), span: p.tokSpan(t) };
  } else if (t.kind === "string" && OPERATOR_SYMBOLS.has(t.value ?? "")) {
    p.advance();
    name = { text: t.value!, key: operatorKey(t.value!), span: p.tokSpan(t) };
  } else name = p.expectName("a function name");
  let exceptions: GateDecl[] = [];
  if (p.eatPunct("[")) {
    if (!p.isPunct("]")) exceptions = parseGateDecls(p);
    p.expectPunct("]");
  }
  const params = p.isPunct("(") ? parseParams(p) : [];
  let result: Ident | undefined;
  if (p.eatPunct(":")) result = p.expectTypeName();
  const pragmas = parsePragmas(p);
  p.expectKw("is");
  pragmas.push(...parsePragmas(p));
  const requires: Expr[] = [];
  const ensures: Expr[] = [];
  parseContracts(p, requires, ensures);
  const body = parseBody(p);
  closeDefinition(p, "function", start);
  return { kind: "function", name, exceptions, params, result, pragmas, requires, ensures, body, span: p.spanFrom(start) };
}

function parseProcess(p: Parser): ProcessDef {
  const start = p.advance().start;
  const name = p.expectName("a process name");
  let gates: GateDecl[] = [];
  if (p.eatPunct("[")) {
    if (!p.isPunct("]")) gates = parseGateDecls(p);
    p.expectPunct("]");
  }
  const params = p.isPunct("(") ? parseParams(p) : [];
  const pragmas = parsePragmas(p);
  p.expectKw("is");
  pragmas.push(...parsePragmas(p));
  const requires: Expr[] = [];
  const ensures: Expr[] = [];
  parseContracts(p, requires, ensures);
  const body = parseBody(p);
  closeDefinition(p, "process", start);
  return { kind: "process", name, gates, params, pragmas, requires, ensures, body, span: p.spanFrom(start) };
}
