// The front end's flow analyses, run on the checked model once checking found
// no error: definite assignment, the variables `par` and `disrupt` parts may
// not share, `return` on every path of a function, `out` parameters assigned
// at every return, and the warnings for variables, parameters and gates that
// are never used. The walk itself is in flow-assignment.ts.

import type { Expr, FunctionDecl, GateDecl, Model, ParamDecl, ProcessDecl, Stmt, VarDecl } from "./model.js";
import type { DiagnosticBag } from "./diagnostics.js";
import type { Span } from "./source.js";
import { Msg } from "./diagnostic-messages.js";
import { AssignmentFlow } from "./flow-assignment.js";
import { emptyBits, fullBits, hasBit, setBit } from "./flow-bits.js";

/**
 * Runs every flow analysis over the functions with a body and the processes
 * of `model`. `silenced` holds what `use X` / `access G` named: no "never
 * used" warning for those.
 */
export function checkFlow(model: Model, diags: DiagnosticBag, silenced: ReadonlySet<VarDecl | GateDecl>): void {
  const unexpected = model.predefined.unexpected;
  for (const fn of model.functions) {
    if (fn.body === undefined || fn.builtin !== undefined) continue;
    analyse(
      {
        name: fn.name,
        span: fn.span ?? fn.body.span,
        params: fn.params,
        variables: fn.variables,
        gates: fn.exceptions,
        requires: fn.requires,
        ensures: fn.ensures,
        body: fn.body,
        hasResult: fn.result !== undefined,
        interfaceOnly: isInterfaceOnly(fn),
        reportGates: false,
        unexpected,
      },
      diags,
      silenced,
    );
  }
  for (const p of model.processes) {
    analyse(
      {
        name: p.name,
        span: p.span ?? p.body.span,
        params: p.params,
        variables: p.variables,
        gates: [...p.gates, ...p.hiddenGates],
        requires: p.requires,
        ensures: p.ensures,
        body: p.body,
        hasResult: false,
        interfaceOnly: isInterfaceOnly(p),
        reportGates: true,
        unexpected,
      },
      diags,
      silenced,
    );
  }
}

interface Unit {
  readonly name: string;
  readonly span: Span;
  readonly params: readonly ParamDecl[];
  readonly variables: readonly VarDecl[];
  readonly gates: readonly GateDecl[];
  readonly requires: readonly Expr[];
  readonly ensures: readonly Expr[];
  readonly body: Stmt;
  readonly hasResult: boolean;
  /** `!virtual` / `!external`: a signature to be implemented elsewhere. */
  readonly interfaceOnly: boolean;
  readonly reportGates: boolean;
  readonly unexpected: GateDecl;
}

function isInterfaceOnly(d: FunctionDecl | ProcessDecl): boolean {
  for (const k of d.pragmas.keys()) {
    const key = k.toLowerCase();
    if (key === "virtual" || key === "external") return true;
  }
  return false;
}

function analyse(u: Unit, diags: DiagnosticBag, silenced: ReadonlySet<VarDecl | GateDecl>): void {
  const outParams = u.params.filter((p) => p.mode === "out").map((p) => p.variable);
  const flow = new AssignmentFlow({ name: u.name, variables: u.variables, gates: u.gates, outParams, unexpected: u.unexpected });

  // Every parameter but `out` ones holds the caller's value on entry.
  const entry = emptyBits(flow.words);
  for (const p of u.params) {
    const i = p.variable.index;
    if (p.mode !== "out" && u.variables[i] === p.variable) setBit(entry, i);
  }
  for (const r of u.requires) flow.expr(r, entry);
  const end = flow.stmt(u.body, entry);
  if (end !== null && !u.interfaceOnly) {
    if (u.hasResult) flow.report(Msg.MissingReturn, u.span, [u.name], -1);
    else flow.checkOutParams(end, u.span);
  }
  // `ensure` clauses hold where the unit returns, once its out parameters
  // are checked assigned: here they only count as uses.
  for (const e of u.ensures) flow.expr(e, fullBits(flow.words));

  for (const p of flow.pending) {
    if (p.dropped || (u.interfaceOnly && p.msg.severity !== "error")) continue;
    diags.add(p.msg, p.span, p.args, p.related);
  }
  if (!u.interfaceOnly) unusedWarnings(u, flow, diags, silenced);
}

function unusedWarnings(u: Unit, flow: AssignmentFlow, diags: DiagnosticBag, silenced: ReadonlySet<VarDecl | GateDecl>): void {
  const modes = new Map<VarDecl, ParamDecl["mode"]>();
  for (const p of u.params) modes.set(p.variable, p.mode);
  for (let i = 0; i < u.variables.length; i++) {
    const v = u.variables[i]!;
    // Variables the checker made up have no span and no name worth a warning.
    if (v.span === undefined || silenced.has(v) || hasBit(flow.reads, i)) continue;
    const mode = modes.get(v);
    if (mode === undefined) {
      diags.add(hasBit(flow.writes, i) ? Msg.UnusedVariable : Msg.UnusedVariableNeverAssigned, v.span, [v.name]);
    } else if (mode === "in" || mode === "in var") {
      // `out` and `in out` parameters carry a value back to the caller: they
      // are used even when the body never reads them.
      diags.add(Msg.UnusedParameter, v.span, [v.name]);
    }
  }
  if (!u.reportGates) return;
  for (let i = 0; i < u.gates.length; i++) {
    const g = u.gates[i]!;
    if (flow.gatesUsed[i] === 0 && g.span !== undefined && !silenced.has(g)) diags.add(Msg.UnusedGate, g.span, [g.name]);
  }
}
