// Patterns, in `case` matches and `?P` offers: possible types bottom-up,
// then checking against the matched value's type. A bare name is a declared
// variable (binding it) or else a constant constructor.

import type * as A from "./ast.js";
import type * as M from "./model.js";
import { Msg } from "./diagnostic-messages.js";
import type { BodyContext } from "./scopes.js";
import { lookupType } from "./check-types.js";
import { checkExpr, costIn, describePoss, possibleTypes, type PatPoss, viableCallables, cheapestViable } from "./check-expressions.js";
import { checkAssignable } from "./check-statements.js";

export function patternPoss(cx: BodyContext, p: A.Pattern): PatPoss {
  const cached = cx.possCache.get(p) as PatPoss | undefined;
  if (cached !== undefined) return cached;
  const r = computePatternPoss(cx, p);
  cx.possCache.set(p, r);
  return r;
}

function computePatternPoss(cx: BodyContext, p: A.Pattern): PatPoss {
  switch (p.kind) {
    case "name": {
      const v = cx.vars.lookup(p.name.key);
      if (v) return new Map([[v.type, 0]]);
      // A constant constructor, or a constant function such as `last` (matched by value).
      const m = ctorPoss(cx, p.name, []);
      if (m === "err" || m === "any") return nullaryFunctionPoss(cx, p.name) ?? m;
      for (const [t, c] of nullaryFunctionPoss(cx, p.name) ?? []) if (!m.has(t)) m.set(t, c);
      return m;
    }
    case "any": {
      if (!p.type) return "any";
      const t = cx.g.types.get(p.type.key);
      return t ? new Map([[t, 0]]) : "err";
    }
    case "constructor":
      return ctorPoss(cx, p.ctor, p.args);
    case "value":
      return possibleTypes(cx, p.expr);
    case "of": {
      const t = cx.g.types.get(p.type.key);
      return t ? new Map([[t, 0]]) : "err";
    }
  }
}

function nullaryFunctionPoss(cx: BodyContext, name: A.Ident): Map<M.TypeDecl, number> | undefined {
  const fns = cx.g.callables(name.key).filter((c) => c.target.kind === "fn" && c.params.length === 0 && c.result);
  return fns.length ? new Map(fns.map((c) => [c.result!, 0])) : undefined;
}

function ctorPoss(cx: BodyContext, name: A.Ident, args: readonly A.Pattern[]): PatPoss {
  const cands = cx.g.callables(name.key).filter((c) => c.target.kind !== "fn");
  if (cands.length === 0) return "err";
  const infos = args.map((a) => ({ field: undefined, poss: patternPoss(cx, a) }));
  const m = new Map<M.TypeDecl, number>();
  for (const v of viableCallables(cands, infos)) {
    const old = m.get(v.c.result!);
    if (old === undefined || v.cost < old) m.set(v.c.result!, v.cost);
  }
  return m;
}

/** Checks pattern `p` against values of type `t`. */
export function checkPattern(cx: BodyContext, p: A.Pattern, t: M.TypeDecl): M.Pattern | undefined {
  switch (p.kind) {
    case "name": {
      const v = cx.vars.lookup(p.name.key);
      if (v) {
        if (v.type !== t) {
          cx.diags.add(Msg.PatternMismatch, p.span, [v.type.name, t.name]);
          return undefined;
        }
        if (!checkAssignable(cx, v, p.name)) return undefined;
        return { kind: "var", variable: v, type: t, span: p.span };
      }
      const callables = cx.g.callables(p.name.key);
      const isCtor = (c: (typeof callables)[number]) => c.target.kind !== "fn" && c.params.length === 0 && c.result === t;
      const isConst = (c: (typeof callables)[number]) => c.target.kind === "fn" && c.params.length === 0 && c.result === t;
      if (!callables.some(isCtor) && callables.some(isConst)) {
        const e = checkExpr(cx, { kind: "name", name: p.name, span: p.span }, t);
        return e ? { kind: "value", expr: e, type: t, span: p.span } : undefined;
      }
      if (callables.every((c) => c.target.kind === "fn")) {
        cx.diags.add(Msg.PatternVarNotDeclared, p.name.span, [p.name.text]);
        return undefined;
      }
      return checkCtorPattern(cx, p, p.name, [], t);
    }
    case "any": {
      if (p.type) {
        const at = lookupType(cx.g, p.type);
        if (!at) return undefined;
        if (at !== t) {
          cx.diags.add(Msg.PatternMismatch, p.span, [at.name, t.name]);
          return undefined;
        }
      }
      return { kind: "any", type: t, span: p.span };
    }
    case "constructor":
      return checkCtorPattern(cx, p, p.ctor, p.args, t);
    case "value": {
      // `{}` matches the empty list: the constructor nil.
      if (t.def.kind === "list" && p.expr.kind === "collection" && p.expr.elements.length === 0) {
        return { kind: "ctor", ctor: t.def.nil, args: [], type: t, span: p.span };
      }
      const e = checkExpr(cx, p.expr, t);
      return e ? { kind: "value", expr: e, type: t, span: p.span } : undefined;
    }
    case "of": {
      const ot = lookupType(cx.g, p.type);
      if (!ot) return undefined;
      if (ot !== t) {
        cx.diags.add(Msg.PatternMismatch, p.span, [ot.name, t.name]);
        return undefined;
      }
      return checkPattern(cx, p.pattern, t);
    }
  }
}

function checkCtorPattern(cx: BodyContext, p: A.Pattern, name: A.Ident, args: readonly A.Pattern[], t: M.TypeDecl): M.Pattern | undefined {
  const cands = cx.g.callables(name.key).filter((c) => c.target.kind !== "fn" && c.result === t);
  if (cands.length === 0) {
    const poss = patternPoss(cx, p);
    if (cx.g.callables(name.key).some((c) => c.target.kind !== "fn")) cx.diags.add(Msg.PatternMismatch, p.span, [describePoss(poss), t.name]);
    else cx.diags.add(Msg.UndeclaredFunction, name.span, [name.text]);
    return undefined;
  }
  const infos = args.map((a) => ({ field: undefined, poss: patternPoss(cx, a) }));
  const best = cheapestViable(viableCallables(cands, infos));
  if (best.length !== 1) {
    if (best.length === 0) {
      const c = cands[0]!;
      if (c.params.length !== args.length) cx.diags.add(Msg.ArgArity, p.span, [name.text, c.params.length, args.length]);
      else {
        const bad = args.findIndex((a, i) => costIn(infos[i]!.poss, c.params[i]!) === undefined);
        const a = args[Math.max(0, bad)]!;
        cx.diags.add(Msg.PatternMismatch, a.span, [describePoss(infos[Math.max(0, bad)]!.poss), c.params[Math.max(0, bad)]!.name]);
      }
    } else cx.diags.add(Msg.AmbiguousOverload, p.span, ["constructor", name.text, best.length]);
    return undefined;
  }
  const v = best[0]!;
  const target = v.c.target;
  if (target.kind === "literal") {
    return { kind: "value", expr: { kind: "literal", value: target.value, type: t, span: p.span }, type: t, span: p.span };
  }
  if (target.kind !== "ctor") return undefined;
  const subs: M.Pattern[] = [];
  let ok = true;
  args.forEach((a, i) => {
    const r = checkPattern(cx, a, v.c.params[i]!);
    if (r) subs.push(r);
    else ok = false;
  });
  return ok ? { kind: "ctor", ctor: target.ctor, args: subs, type: t, span: p.span } : undefined;
}

/** Reports why pattern `p` can match no type at all (or why it is wrong whatever its type). */
export function explainPattern(cx: BodyContext, p: A.Pattern): void {
  switch (p.kind) {
    case "name":
    case "constructor": {
      const name = p.kind === "name" ? p.name : p.ctor;
      const args = p.kind === "name" ? [] : p.args;
      if (p.kind === "name" && cx.vars.lookup(name.key)) return;
      const ctors = cx.g.callables(name.key).filter((c) => c.target.kind !== "fn");
      if (ctors.length === 0) {
        if (p.kind === "name" || cx.g.callables(name.key).length === 0) {
          cx.diags.add(p.kind === "name" ? Msg.PatternVarNotDeclared : Msg.UndeclaredFunction, name.span, [name.text]);
        } else cx.diags.add(Msg.NotAProcedure, name.span, [name.text, "function, not a constructor: it"]);
        return;
      }
      const fit = ctors.find((c) => c.params.length === args.length);
      if (!fit) {
        cx.diags.add(Msg.ArgArity, p.span, [name.text, ctors[0]!.params.length, args.length]);
        return;
      }
      checkPattern(cx, p, fit.result!);
      return;
    }
    case "value": {
      const pe = possibleTypes(cx, p.expr);
      if (pe === "err" || pe.size === 0) checkExpr(cx, p.expr, undefined);
      return;
    }
    case "of":
      if (!cx.g.types.get(p.type.key)) lookupType(cx.g, p.type);
      else explainPattern(cx, p.pattern);
      return;
    case "any":
      if (p.type) lookupType(cx.g, p.type);
      return;
  }
}
