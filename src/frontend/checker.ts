// The checker's driver: declares everything the modules define (in passes,
// so that any definition may use any other), checks every function and
// process body, assembles the Model, then runs flow analysis. Also checks a
// root process call given on the command line (`--root 'P (3, true)'`).

import type * as A from "./ast.js";
import type * as M from "./model.js";
import { DiagnosticBag } from "./diagnostics.js";
import { Msg } from "./diagnostic-messages.js";
import { sourceFile, type Span } from "./source.js";
import { BodyContext, Globals } from "./scopes.js";
import { declarePredefined, numericBounds } from "./builtins.js";
import {
  declareChannels, declareTypes, declaredHere, generateTypeFunctions, lookupType, pragmaMap, resolveGateChannel, resolveTypeBodies,
} from "./check-types.js";
import { checkCond, checkExpr } from "./check-expressions.js";
import { checkStmt } from "./check-statements.js";
import { tooDeep } from "./check-depth.js";
import { checkImportedUses } from "./check-imports.js";
import { checkFlow } from "./flow.js";
import { tokenize } from "./lexer.js";
import { Parser, isTooDeep } from "./parser-core.js";
import { parseExpr } from "./parse-expressions.js";

/**
 * Checks a program: `modules[0]` is the root module, the others every module
 * it imports, directly or not. Returns the checked model when no error was found.
 */
export function checkModules(modules: readonly A.Module[], diags: DiagnosticBag): M.Model | undefined {
  const errorsBefore = diags.errorCount;
  const g = new Globals(diags);
  checkModuleNames(modules, diags);
  checkImportCycles(modules, diags);
  const predefined = declarePredefined(g, numericBounds(modules));

  const shells = declareTypes(g, modules);
  resolveTypeBodies(g, shells);
  declareChannels(g, modules);
  const functions = declareFunctions(g, modules);
  generateTypeFunctions(g, shells, modules);
  const processes = declareProcesses(g, modules);

  const silenced = new Set<M.VarDecl | M.GateDecl>();
  let failure: Span | undefined;

  // Subtype predicates may call functions: checked once every function is declared.
  for (const [t, { def }] of shells) {
    if (def.body.kind !== "subtype" || !def.body.predicate || t.def.kind !== "subtype") continue;
    if (tooDeep(diags, undefined, [def.body.predicate])) continue;
    const variable = t.def.variable;
    const cx = new BodyContext(g, { kind: "global" }, [variable], silenced);
    cx.vars.declare(def.body.variable.key, variable);
    const predicate = checkCond(cx, def.body.predicate);
    t.def = { ...t.def, predicate };
  }

  for (const [fn, def] of functions) {
    if (tooDeep(diags, def.body, [...def.requires, ...def.ensures])) continue;
    const cx = new BodyContext(g, { kind: "function", decl: fn, name: fn.name }, fn.variables, silenced);
    declareParams(cx, fn.params, def.params);
    for (const gt of fn.exceptions) cx.gates.declare(gt.name.toLowerCase(), gt);
    (fn.requires as M.Expr[]).push(...conditions(cx, def.requires));
    cx.inEnsure = true;
    (fn.ensures as M.Expr[]).push(...conditions(cx, def.ensures));
    cx.inEnsure = false;
    (fn.entryCopies as M.EntryCopy[]).push(...[...cx.entryCopies].map(([param, copy]) => ({ param, copy })));
    if (def.body) fn.body = checkStmt(cx, def.body);
    failure ??= cx.firstFailure;
  }
  for (const [proc, def] of processes) {
    if (tooDeep(diags, def.body, [...def.requires, ...def.ensures])) continue;
    const cx = new BodyContext(g, { kind: "process", decl: proc, name: proc.name }, proc.variables, silenced);
    declareParams(cx, proc.params, def.params);
    for (const gt of proc.gates) cx.gates.declare(gt.name.toLowerCase(), gt);
    (proc.requires as M.Expr[]).push(...conditions(cx, def.requires));
    cx.inEnsure = true;
    (proc.ensures as M.Expr[]).push(...conditions(cx, def.ensures));
    cx.inEnsure = false;
    (proc.entryCopies as M.EntryCopy[]).push(...[...cx.entryCopies].map(([param, copy]) => ({ param, copy })));
    // A `!virtual` process has no body: it does nothing.
    proc.body = def.body ? checkStmt(cx, def.body) : { kind: "null", span: def.name.span };
    failure ??= cx.firstFailure;
  }

  if (diags.errorCount > errorsBefore) return undefined;
  if (failure) {
    // A checker bug, but the user still gets a diagnostic at the place, not a stack trace.
    diags.add(Msg.Internal, failure, ["the checker gave up on this construct without saying why"]);
    return undefined;
  }

  const model: M.Model = {
    modules: modules.map((m) => ({ name: m.name.text, path: m.file.path })),
    types: g.typeList,
    channels: g.channelList,
    functions: g.functionList,
    processes: g.processList,
    predefined,
    root: g.processes.get("main"),
  };
  globalsByModel.set(model, g);
  checkImportedUses(g, modules);
  checkFlow(model, diags, silenced);
  return diags.errorCount > errorsBefore ? undefined : model;
}

function conditions(cx: BodyContext, es: readonly A.Expr[]): M.Expr[] {
  const out: M.Expr[] = [];
  for (const e of es) {
    const c = checkCond(cx, e);
    if (c) out.push(c);
  }
  return out;
}

function declareParams(cx: BodyContext, params: readonly M.ParamDecl[], defs: readonly A.ParamDecl[]): void {
  const names = defs.flatMap((d) => d.names);
  params.forEach((p, i) => {
    cx.vars.declare(names[i]!.key, p.variable);
    cx.paramModes.set(p.variable, p.mode);
  });
}

/** One module per file, named like the file: imports are found by name. */
function checkModuleNames(modules: readonly A.Module[], diags: DiagnosticBag): void {
  for (const m of modules) {
    const base = m.file.path.replace(/^.*[\\/]/, "");
    const stem = base.replace(/\.lnt$/i, "");
    if (stem.toLowerCase() !== m.name.key) diags.add(Msg.ModuleFileName, m.name.span, [m.name.text, base]);
  }
}

function checkImportCycles(modules: readonly A.Module[], diags: DiagnosticBag): void {
  const byName = new Map(modules.map((m) => [m.name.key, m]));
  const state = new Map<string, "active" | "done">();
  const path: A.Module[] = [];
  const visit = (m: A.Module): void => {
    state.set(m.name.key, "active");
    path.push(m);
    for (const imp of m.imports) {
      const target = byName.get(imp.key);
      if (!target) continue;
      const s = state.get(imp.key);
      if (s === "active") {
        const from = path.findIndex((x) => x.name.key === imp.key);
        const cycle = [...path.slice(from).map((x) => x.name.text), target.name.text].join(" -> ");
        diags.add(Msg.ImportCycle, imp.span, [cycle]);
      } else if (s === undefined) visit(target);
    }
    path.pop();
    state.set(m.name.key, "done");
  };
  for (const m of modules) if (!state.has(m.name.key)) visit(m);
}

// ---------------------------------------------------------------------------
// Headers

function paramDecls(g: Globals, defs: readonly A.ParamDecl[]): { params: M.ParamDecl[]; variables: M.VarDecl[] } {
  const params: M.ParamDecl[] = [];
  const variables: M.VarDecl[] = [];
  const seen = new Map<string, A.Ident>();
  for (const d of defs) {
    const t = lookupType(g, d.type) ?? g.predefined.bool;
    for (const n of d.names) {
      const prev = seen.get(n.key);
      if (prev) g.diags.add(Msg.Duplicate, n.span, ["parameter", n.text], declaredHere(prev.span));
      seen.set(n.key, n);
      const v: M.VarDecl = { name: n.text, span: n.span, type: t, index: variables.length };
      variables.push(v);
      params.push({ mode: d.mode, variable: v });
    }
  }
  return { params, variables };
}

function gateDecls(g: Globals, defs: readonly A.GateDecl[], exceptionsOnly: boolean): M.GateDecl[] {
  const out: M.GateDecl[] = [];
  const seen = new Map<string, A.Ident>();
  for (const d of defs) {
    const channel = resolveGateChannel(g, d.channel);
    if (!channel) continue;
    if (exceptionsOnly && channel !== "exit" && channel !== "none") {
      g.diags.add(Msg.WrongExceptionChannel, d.channel.span, [d.names[0]?.text ?? "", typeof channel === "string" ? channel : channel.name]);
      continue;
    }
    for (const n of d.names) {
      const prev = seen.get(n.key);
      if (prev) g.diags.add(Msg.Duplicate, n.span, ["gate", n.text], declaredHere(prev.span));
      seen.set(n.key, n);
      out.push({ name: n.text, span: n.span, channel, isException: exceptionsOnly || channel === "exit", index: out.length });
    }
  }
  return out;
}

function declareFunctions(g: Globals, modules: readonly A.Module[]): Map<M.FunctionDecl, A.FunctionDef> {
  const out = new Map<M.FunctionDecl, A.FunctionDef>();
  for (const mod of modules) {
    for (const d of mod.definitions) {
      if (d.kind !== "function") continue;
      const { params, variables } = paramDecls(g, d.params);
      const result = d.result ? lookupType(g, d.result) : undefined;
      if (d.result && !result) continue;
      const fn: M.FunctionDecl = {
        name: d.name.text,
        span: d.name.span,
        params,
        result,
        exceptions: gateDecls(g, d.exceptions, true),
        requires: [],
        entryCopies: [],
        ensures: [],
        body: undefined,
        builtin: undefined,
        variables,
        pragmas: pragmaMap(d.pragmas),
      };
      const types = params.map((p) => p.variable.type);
      const prev = g.sameProfile(d.name.key, types, result);
      if (prev) {
        g.diags.add(Msg.Duplicate, d.name.span, [prev.target.kind === "ctor" ? "constructor" : "function", d.name.text], declaredHere(prev.span));
        continue;
      }
      g.addCallable(d.name.key, {
        name: d.name.text,
        params: types,
        modes: params.map((p) => p.mode),
        paramNames: params.map((p) => p.variable.name),
        result,
        target: { kind: "fn", fn },
        span: d.name.span,
      });
      g.functionList.push(fn);
      out.set(fn, d);
      g.origin.set(fn, mod.name.key);
    }
  }
  return out;
}

function declareProcesses(g: Globals, modules: readonly A.Module[]): Map<M.ProcessDecl, A.ProcessDef> {
  const out = new Map<M.ProcessDecl, A.ProcessDef>();
  for (const mod of modules) {
    for (const d of mod.definitions) {
      if (d.kind !== "process") continue;
      const prev = g.processes.get(d.name.key);
      if (prev) {
        g.diags.add(Msg.Duplicate, d.name.span, ["process", d.name.text], declaredHere(prev.span));
        continue;
      }
      const { params, variables } = paramDecls(g, d.params);
      const proc: M.ProcessDecl = {
        name: d.name.text,
        span: d.name.span,
        gates: gateDecls(g, d.gates, false),
        hiddenGates: [],
        params,
        requires: [],
        entryCopies: [],
        ensures: [],
        body: { kind: "null", span: d.name.span },
        variables,
        pragmas: pragmaMap(d.pragmas),
      };
      g.processes.set(d.name.key, proc);
      g.processList.push(proc);
      out.set(proc, d);
      g.origin.set(proc, mod.name.key);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The root process given on the command line

/** The tables each model was checked with, to check a root call against. */
const globalsByModel = new WeakMap<M.Model, Globals>();

/**
 * Parses and checks a root call such as `P (3, true)` or `PHILOSOPHER (0, 0, 1)`
 * against a checked model: the process must exist and take exactly these
 * (`in`) values. Reports to `diags` and returns undefined on error.
 */
export function checkRootCall(model: M.Model, text: string, diags: DiagnosticBag): { process: M.ProcessDecl; args: M.Expr[] } | undefined {
  const file = sourceFile("--root", text);
  const local = new DiagnosticBag();
  let expr: A.Expr | undefined;
  try {
    const p = new Parser(file, tokenize(file, local), local);
    if (!p.atEof()) {
      expr = parseExpr(p);
      if (!p.atEof()) local.add(Msg.TrailingInput, p.tokSpan(), [`'${p.tok.text}'`]);
    }
  } catch (e) {
    if (!(e instanceof RangeError) && !isTooDeep(e)) throw e;
    expr = undefined;
  }
  const bad = (why: string) => {
    diags.add(Msg.BadRootSpec, undefined, [text, why]);
    return undefined;
  };
  if (local.hasErrors()) return bad(local.items.find((d) => d.severity === "error")!.message);
  if (!expr) return bad("expected a process name");
  while (expr.kind === "paren") expr = expr.expr;
  let name: A.Ident;
  let args: readonly A.CallArg[];
  if (expr.kind === "name") {
    name = expr.name;
    args = [];
  } else if (expr.kind === "apply" && !expr.exceptions) {
    name = expr.callee;
    args = expr.args;
  } else return bad("expected 'P' or 'P (value, ...)'");

  const proc = model.processes.find((p) => p.name.toLowerCase() === name.key);
  if (!proc) {
    diags.add(Msg.UndeclaredProcess, name.span, [name.text]);
    return undefined;
  }
  if (args.length !== proc.params.length) {
    diags.add(Msg.ArgArity, name.span, [proc.name, proc.params.length, args.length]);
    return undefined;
  }
  if (tooDeep(diags, undefined, args.flatMap((a) => (a.kind === "in" ? [a.expr] : [])))) return undefined;
  const kept = globalsByModel.get(model);
  const g = kept ?? globalsOf(model, diags);
  g.diags = diags;
  const cx = new BodyContext(g, { kind: "global" }, [], new Set());
  const out: M.Expr[] = [];
  const before = diags.errorCount;
  args.forEach((a, i) => {
    const p = proc.params[i]!;
    if (a.kind !== "in" || (p.mode !== "in" && p.mode !== "in var")) {
      diags.add(Msg.ActualModeMismatch, a.span, [p.variable.name, proc.name, `'${p.mode}'`, "a value"]);
      return;
    }
    const e = checkExpr(cx, a.expr, p.variable.type);
    if (e) out.push(e);
  });
  if (diags.errorCount > before || out.length !== args.length) return undefined;
  return { process: proc, args: out };
}

/** Rebuilds the global tables of a checked model, to check expressions against it. */
function globalsOf(model: M.Model, diags: DiagnosticBag): Globals {
  const g = new Globals(diags);
  g.predefined = model.predefined;
  for (const t of model.types) {
    g.types.set(t.name.toLowerCase(), t);
    g.typeList.push(t);
    if (t.def.kind === "constructors") {
      for (const c of t.def.constructors) {
        g.addCallable(c.name.toLowerCase(), {
          name: c.name, params: c.fields.map((f) => f.type), modes: c.fields.map(() => "in" as const),
          paramNames: c.fields.map((f) => f.name), result: t, target: { kind: "ctor", ctor: c }, span: c.span,
        });
      }
    } else if (t.def.kind === "list") {
      const { nil, cons } = t.def;
      g.addCallable("nil", { name: "nil", params: [], modes: [], paramNames: [], result: t, target: { kind: "ctor", ctor: nil }, span: undefined });
      g.addCallable("cons", {
        name: "cons", params: [t.def.element, t], modes: ["in", "in"], paramNames: ["head", "tail"], result: t, target: { kind: "ctor", ctor: cons }, span: undefined,
      });
    }
  }
  for (const value of [false, true]) {
    g.addCallable(String(value), {
      name: String(value), params: [], modes: [], paramNames: [], result: model.predefined.bool, target: { kind: "literal", value }, span: undefined,
    });
  }
  for (const fn of model.functions) {
    const names = fn.builtin ? builtinNames(fn) : [fn.name];
    for (const n of names) {
      g.addCallable(n.toLowerCase(), {
        name: n, params: fn.params.map((p) => p.variable.type), modes: fn.params.map((p) => p.mode),
        paramNames: fn.params.map((p) => p.variable.name), result: fn.result, target: { kind: "fn", fn }, span: fn.span,
      });
    }
  }
  return g;
}

/** The spellings under which a builtin is visible (equality has two). */
function builtinNames(fn: M.FunctionDecl): string[] {
  if (fn.name === "==" || fn.name === "=") return ["==", "="];
  if (fn.name === "!=" || fn.name === "<>") return ["!=", "<>"];
  if (fn.name === "&" || fn.name === "concat") return fn.builtin?.op === "concat" && fn.name === "&" ? ["&", "concat"] : [fn.name];
  return [fn.name];
}
