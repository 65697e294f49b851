// Statements and behaviours (one syntax for function bodies and process
// bodies). A sequence ends at the first token that cannot continue it (`end`,
// `[]`, `||`, `|`, `else`, ...); junk in the middle is reported once and
// skipped to the next `;` so that later statements are still checked.

import type {
  Arg, CondBranch, GateDecl, Ident, LValue, Match, ParBranch, Pattern, Stmt, TrapHandler, VarDecl, Expr,
} from "./ast.js";
import { Msg } from "./diagnostic-messages.js";
import type { Parser } from "./parser-core.js";
import { parseExpr, parsePattern } from "./parse-expressions.js";

/** Tokens at which a statement sequence stops (besides `end`, definition keywords and end of file). */
const SEQ_CLOSERS: ReadonlySet<string> = new Set(["[]", "||", "|", "else", "elsif", "by", "in"]);
const SEQ_SKIP_STOPS: ReadonlySet<string> = new Set([";", ...SEQ_CLOSERS]);

function atCloser(p: Parser): boolean {
  const t = p.tok;
  if (t.kind === "eof") return true;
  if (t.kind === "punct") return SEQ_CLOSERS.has(t.key);
  if (t.kind === "ident") {
    if (t.key === "end" || t.key === "else" || t.key === "elsif" || t.key === "by" || t.key === "in" || p.isDefinitionStart(t)) return true;
    // The next handler of an old-style `trap exception E is ...`.
    return p.trapHandlerDepth > 0 && t.key === "exception" && p.isName(p.peek());
  }
  return false;
}

/** `S1; S2; ...` up to a closer; a single statement is returned as itself. */
export function parseSeq(p: Parser): Stmt {
  const start = p.tok.start;
  const stmts: Stmt[] = [];
  pushFlat(stmts, parseStmt(p));
  for (;;) {
    if (p.eatPunct(";")) {
      // A `;` before a closer is tolerated.
      if (atCloser(p)) break;
      pushFlat(stmts, parseStmt(p));
      continue;
    }
    if (atCloser(p)) break;
    p.expected("';'");
    p.skipUntil(SEQ_SKIP_STOPS);
    if (!p.isPunct(";")) break;
  }
  if (stmts.length === 1) return stmts[0]!;
  return { kind: "seq", stmts, span: p.spanFrom(start) };
}

function pushFlat(into: Stmt[], s: Stmt): void {
  if (s.kind === "seq") into.push(...s.stmts);
  else into.push(s);
}

function nullAt(p: Parser, start: number): Stmt {
  return { kind: "null", span: p.span(start, start) };
}

export function parseStmt(p: Parser): Stmt {
  p.enter();
  try {
    return parseStmtInner(p);
  } finally {
    p.leave();
  }
}

function parseStmtInner(p: Parser): Stmt {
  const t = p.tok;
  const start = t.start;
  if (t.kind === "ident") {
    switch (t.key) {
      case "null":
        p.advance();
        return { kind: "null", span: p.tokSpan(t) };
      case "stop":
        p.advance();
        return { kind: "stop", span: p.tokSpan(t) };
      case "i": {
        // `i` is also an ordinary name (VBPMN has a constructor `i (...)`).
        const next = p.peek();
        if (!(p.isPunct(":=", next) || p.isPunct("(", next) || p.isPunct("[", next) || p.isPunct(".", next))) {
          p.advance();
          return { kind: "internal", span: p.tokSpan(t) };
        }
        break;
      }
      case "return": {
        p.advance();
        const value = atCloser(p) || p.isPunct(";") ? undefined : parseExpr(p);
        return { kind: "return", value, span: p.spanFrom(start) };
      }
      case "raise": {
        p.advance();
        const exception = p.expectName("an exception name");
        if (p.isPunct("(") && p.isPunct(")", p.peek())) p.pos += 2;
        return { kind: "raise", exception, span: p.spanFrom(start) };
      }
      case "break": {
        p.advance();
        const label = p.expectName("a loop label");
        return { kind: "break", label, span: p.spanFrom(start) };
      }
      case "var":
        return parseVar(p);
      case "if":
        return parseIf(p, false);
      case "only":
        if (p.isKw("if", p.peek())) return parseIf(p, true);
        break;
      case "case":
        return parseCase(p);
      case "loop":
        return parseLoop(p);
      case "while":
        return parseWhile(p);
      case "for":
        return parseFor(p);
      case "trap":
        return parseTrap(p);
      case "select":
      case "alt":
        return parseSelect(p);
      case "par":
        return parsePar(p);
      case "hide":
        return parseHide(p);
      case "disrupt":
        return parseDisrupt(p);
      case "eval":
        p.advance();
        return parseAction(p, start, true);
      case "use":
      case "access":
        if (p.isName(p.peek())) {
          p.advance();
          const names: Ident[] = [];
          do names.push(p.expectName());
          while (p.eatPunct(","));
          return t.key === "use"
            ? { kind: "use", vars: names, span: p.spanFrom(start) }
            : { kind: "access", gates: names, span: p.spanFrom(start) };
        }
        break;
      case "assert": {
        const next = p.peek();
        if (!(p.isPunct(":=", next) || p.isPunct(";", next) || p.isPunct("[", next) || p.isPunct(".", next))) {
          p.advance();
          const cond = parseExpr(p);
          return { kind: "assert", cond, span: p.spanFrom(start) };
        }
        break;
      }
      default:
        break;
    }
    if (p.isName(t)) {
      if (p.isPunct(":=", p.peek())) return parseAssign(p);
      if ((p.isPunct("[", p.peek()) || p.isPunct(".", p.peek())) && atLValueAssign(p)) return parseAssign(p);
      const action = parseAction(p, start, false);
      if (p.isPunct(":=")) {
        // `f (x) := E`, `P [G] := E`: not something that can be assigned.
        p.error(Msg.InvalidLValue, [], action.span);
        p.advance();
        parseExpr(p);
        return nullAt(p, start);
      }
      return action;
    }
  }
  p.error(Msg.ExpectedStatement, [p.describe()]);
  if (!atCloser(p) && !p.isPunct(";")) {
    p.advance();
    p.skipUntil(SEQ_SKIP_STOPS);
  }
  return nullAt(p, start);
}

/** Looks past `X[...]...` and `.f` to see whether `:=` follows (else it is `P [G] (...)`). */
function atLValueAssign(p: Parser): boolean {
  let k = 1;
  const limit = 100_000;
  for (;;) {
    const t = p.peek(k);
    if (p.isPunct(".", t)) {
      if (p.peek(k + 1).kind !== "ident") return false;
      k += 2;
    } else if (p.isPunct("[", t)) {
      let depth = 0;
      for (;;) {
        const u = p.peek(k);
        if (u.kind === "eof" || k > limit) return false;
        if (p.isPunct("[", u)) depth++;
        else if (p.isPunct("]", u)) {
          if (--depth === 0) break;
        } else if (p.isPunct(";", u) || p.isKw("end", u)) return false;
        k++;
      }
      k++;
    } else return p.isPunct(":=", t);
  }
}

function parseAssign(p: Parser): Stmt {
  const start = p.tok.start;
  const first = p.ident(p.advance());
  let target: LValue = { kind: "var", name: first, span: first.span };
  for (;;) {
    if (p.eatPunct("[")) {
      const index = parseExpr(p);
      p.expectPunct("]");
      target = { kind: "index", base: target, index, span: p.spanFrom(start) };
    } else if (p.eatPunct(".")) {
      const field = p.tok.kind === "ident" ? p.ident(p.advance()) : p.expectName("a field name");
      target = { kind: "field", base: target, field, span: p.spanFrom(start) };
    } else break;
  }
  p.expectPunct(":=");
  if (p.isKw("any") && target.kind === "var") {
    p.advance();
    const type = p.expectTypeName();
    const where = p.eatKw("where") ? parseExpr(p) : undefined;
    return { kind: "assign-any", target: first, type, where, span: p.spanFrom(start) };
  }
  const value = parseExpr(p);
  return { kind: "assign", target, value, span: p.spanFrom(start) };
}

/** `[eval] [X :=] NAME [gates] [(args)] [where E]`. */
function parseAction(p: Parser, start: number, isEval: boolean): Stmt {
  let result: Ident | undefined;
  if (isEval && p.isName() && p.isPunct(":=", p.peek())) {
    result = p.ident(p.advance());
    p.advance();
  }
  const name = p.expectName(isEval ? "a function name" : "a statement or behaviour");
  let gates: Ident[] | "..." | undefined;
  if (p.isPunct("[]") && p.isPunct("(", p.peek())) {
    // `P [] (x)`: an empty gate list, lexed as the choice symbol.
    p.advance();
    gates = [];
  } else if (p.isPunct("[")) {
    p.advance();
    if (p.eatPunct("...")) gates = "...";
    else {
      const list: Ident[] = [];
      if (!p.isPunct("]")) {
        do list.push(p.expectName("a gate"));
        while (p.eatPunct(","));
      }
      gates = list;
    }
    p.expectPunct("]");
  }
  let args: Arg[] | undefined;
  if (p.isPunct("(")) args = parseOffers(p);
  const where = p.eatKw("where") ? parseExpr(p) : undefined;
  return { kind: "action", eval: isEval, result, name, gates, args, where, span: p.spanFrom(start) };
}

/** `( offer, ... )`: `!E`, `E`, `?P`, `!?X`, optionally `f -> ...`. */
function parseOffers(p: Parser): Arg[] {
  const args: Arg[] = [];
  p.expectPunct("(");
  if (p.eatPunct(")")) return args;
  do {
    const start = p.tok.start;
    const field = p.argName();
    if (p.eatPunct("?")) {
      const pattern: Pattern = parsePattern(p);
      args.push({ kind: "receive", pattern, field, span: p.spanFrom(start) });
    } else if (p.eatPunct("!?")) {
      const variable = p.expectName("a variable");
      args.push({ kind: "inout", variable, field, span: p.spanFrom(start) });
    } else {
      const bang = p.eatPunct("!");
      const expr = parseExpr(p);
      args.push({ kind: "emit", bang, expr, field, span: p.spanFrom(start) });
    }
  } while (p.eatPunct(","));
  p.expectPunct(")");
  return args;
}

/** `x, y: T, z: U` (variable declarations, also used for fields). */
export function parseVarDecls(p: Parser): VarDecl[] {
  const decls: VarDecl[] = [];
  do {
    const start = p.tok.start;
    const names: Ident[] = [p.expectName("a variable name")];
    while (p.eatPunct(",")) names.push(p.expectName("a variable name"));
    p.expectPunct(":");
    const type = p.expectTypeName();
    decls.push({ names, type, span: p.spanFrom(start) });
  } while (p.eatPunct(","));
  return decls;
}

/** `G1, G2: C, H: D` in `hide` and gate lists. */
export function parseGateDecls(p: Parser): GateDecl[] {
  const decls: GateDecl[] = [];
  do {
    const start = p.tok.start;
    const names: Ident[] = [p.expectName("a gate name")];
    while (p.eatPunct(",")) names.push(p.expectName("a gate name"));
    let channel: Ident;
    if (p.expectPunct(":")) {
      const t = p.tok;
      if (p.isName(t) || p.isKw("any") || p.isKw("none") || p.isKw("exit")) channel = p.ident(p.advance());
      else {
        p.expected("a channel, 'any', 'none' or 'exit'");
        channel = p.missingIdent();
      }
    } else channel = p.missingIdent();
    decls.push({ names, channel, span: p.spanFrom(start) });
  } while (p.eatPunct(","));
  return decls;
}

function parseVar(p: Parser): Stmt {
  const start = p.advance().start;
  const decls = parseVarDecls(p);
  p.expectKw("in");
  const body = parseSeq(p);
  p.expectEnd("var", start);
  return { kind: "var", decls, body, span: p.spanFrom(start) };
}

function parseIf(p: Parser, only: boolean): Stmt {
  const start = p.tok.start;
  if (only) p.advance();
  p.advance();
  const branches: CondBranch[] = [];
  let bstart = start;
  for (;;) {
    const cond = parseExpr(p);
    p.expectKw("then");
    const body = parseSeq(p);
    branches.push({ cond, body, span: p.spanFrom(bstart) });
    if (p.isKw("elsif")) {
      bstart = p.advance().start;
      continue;
    }
    break;
  }
  const elseBody = p.eatKw("else") ? parseSeq(p) : undefined;
  p.expectEnd("if", start);
  return { kind: "if", only, branches, else: elseBody, span: p.spanFrom(start) };
}

function parseCase(p: Parser): Stmt {
  const start = p.advance().start;
  const scrutinee: Expr = parseExpr(p);
  p.expectKw("in");
  let vars: VarDecl[] = [];
  if (p.eatKw("var")) {
    vars = parseVarDecls(p);
    p.expectKw("in");
  }
  p.eatPunct("|");
  const matches: Match[] = [];
  for (;;) {
    const mstart = p.tok.start;
    const before = p.pos;
    const patterns: Pattern[] = [parsePattern(p)];
    while (p.eatPunct("|")) patterns.push(parsePattern(p));
    const where = p.eatKw("where") ? parseExpr(p) : undefined;
    if (!p.expectPunct("->")) {
      // Resynchronise on the next match or the end of the case.
      p.skipUntil(new Set(["->", "|"]));
      if (p.isPunct("->")) p.advance();
      else if (p.isPunct("|") && p.pos > before) {
        p.advance();
        continue;
      } else break;
    }
    const body = parseSeq(p);
    matches.push({ patterns, where, body, span: p.spanFrom(mstart) });
    if (!p.eatPunct("|")) break;
  }
  p.expectEnd("case", start);
  return { kind: "case", scrutinee, vars, matches, span: p.spanFrom(start) };
}

/** `L in` after `loop` (a label). */
function parseLabel(p: Parser): Ident | undefined {
  if (p.isName() && p.isKw("in", p.peek())) {
    const label = p.ident(p.advance());
    p.advance();
    return label;
  }
  return undefined;
}

function parseLoop(p: Parser): Stmt {
  const start = p.advance().start;
  const label = parseLabel(p);
  const body = parseSeq(p);
  p.expectEnd("loop", start);
  return { kind: "loop", label, body, span: p.spanFrom(start) };
}

function parseWhile(p: Parser): Stmt {
  const start = p.advance().start;
  const cond = parseExpr(p);
  p.expectKw("loop");
  const label = parseLabel(p);
  const body = parseSeq(p);
  p.expectEnd("loop", start);
  return { kind: "while", cond, label, body, span: p.spanFrom(start) };
}

function parseFor(p: Parser): Stmt {
  const start = p.advance().start;
  const init = parseStmt(p);
  let until = false;
  if (p.isKw("until")) {
    until = true;
    p.advance();
  } else p.expectKw("while");
  const cond = parseExpr(p);
  p.expectKw("by");
  const step = parseStmt(p);
  p.expectKw("loop");
  const label = parseLabel(p);
  const body = parseSeq(p);
  p.expectEnd("loop", start);
  return { kind: "for", init, cond, until, step, label, body, span: p.spanFrom(start) };
}

/**
 * `trap E1 [: exit] -> S1 | ... in S0 end trap` (2024), and the older
 * `trap exception E1 [: T] is S1 ... in S0 end trap`.
 */
function parseTrap(p: Parser): Stmt {
  const start = p.advance().start;
  const handlers: TrapHandler[] = [];
  if (!p.isKw("in")) {
    for (;;) {
      const hstart = p.tok.start;
      if (p.isKw("exception") && p.isName(p.peek())) p.advance();
      const exception = p.expectName("an exception name");
      let channel: Ident | undefined;
      if (p.eatPunct(":")) {
        if (p.isName() || p.isKw("exit") || p.isKw("none") || p.isKw("any")) channel = p.ident(p.advance());
        else p.expected("'exit'");
      }
      if (!p.eatKw("is")) p.expectPunct("->");
      p.trapHandlerDepth++;
      let body: Stmt;
      try {
        body = parseSeq(p);
      } finally {
        p.trapHandlerDepth--;
      }
      handlers.push({ exception, channel, body, span: p.spanFrom(hstart) });
      if (p.eatPunct("|")) continue;
      if (p.isKw("exception") && p.isName(p.peek())) continue;
      break;
    }
  }
  p.expectKw("in");
  const body = parseSeq(p);
  p.expectEnd("trap", start);
  return { kind: "trap", handlers, body, span: p.spanFrom(start) };
}

function parseSelect(p: Parser): Stmt {
  const kw = p.advance();
  const keyword = kw.key === "alt" ? "alt" : "select";
  const branches: Stmt[] = [parseSeq(p)];
  while (p.eatPunct("[]")) branches.push(parseSeq(p));
  p.expectEnd(keyword, kw.start);
  return { kind: "select", keyword, branches, span: p.spanFrom(kw.start) };
}

/** Whether an identifier list `G1, G2, ...` starting here is followed by the symbol `follow`. */
function identListFollowedBy(p: Parser, follow: (k: number) => boolean): boolean {
  let k = 0;
  for (;;) {
    if (!p.isName(p.peek(k))) return false;
    if (p.isPunct(",", p.peek(k + 1))) {
      k += 2;
      continue;
    }
    return follow(k + 1);
  }
}

function parseIdentList(p: Parser, what: string): Ident[] {
  const list: Ident[] = [];
  do list.push(p.expectName(what));
  while (p.eatPunct(","));
  return list;
}

function parsePar(p: Parser): Stmt {
  const start = p.advance().start;
  let gates: Ident[] = [];
  let count: Expr | undefined;
  const globalSet = identListFollowedBy(p, (k) => p.isKw("in", p.peek(k)) || p.isPunct("#", p.peek(k)));
  if (globalSet || p.isPunct("#")) {
    if (globalSet) gates = parseIdentList(p, "a gate");
    if (p.eatPunct("#")) count = parseExpr(p);
    p.expectKw("in");
  }
  const branches: ParBranch[] = [];
  do {
    const bstart = p.tok.start;
    let bgates: Ident[] | undefined;
    if (identListFollowedBy(p, (k) => p.isPunct("->", p.peek(k)))) {
      bgates = parseIdentList(p, "a gate");
      p.advance();
    }
    const body = parseSeq(p);
    branches.push({ gates: bgates, body, span: p.spanFrom(bstart) });
  } while (p.eatPunct("||"));
  p.expectEnd("par", start);
  return { kind: "par", gates, count, branches, span: p.spanFrom(start) };
}

function parseHide(p: Parser): Stmt {
  const start = p.advance().start;
  const gates = parseGateDecls(p);
  p.expectKw("in");
  const body = parseSeq(p);
  p.expectEnd("hide", start);
  return { kind: "hide", gates, body, span: p.spanFrom(start) };
}

function parseDisrupt(p: Parser): Stmt {
  const start = p.advance().start;
  const body = parseSeq(p);
  p.expectKw("by");
  const by = parseSeq(p);
  p.expectEnd("disrupt", start);
  return { kind: "disrupt", body, by, span: p.spanFrom(start) };
}
