// Functions and task state machines as AssemblyScript: the blocks of an automaton become
// the cases of a `switch` inside a loop; a task's variables are globals (one set per
// process instance), a function's are locals. Offers are registered with the embedded
// scheduler when a stable state is entered; the generated `accept` (the oracle: patterns
// and `where` on candidate values) and `fire` (bind the received values, run on to the
// next stable state) are switches on the offer site.

import type { FunctionDecl, Model, Offer, Pattern, VarDecl } from "../frontend/model.js";
import type { Span } from "../frontend/source.js";
import { Msg } from "../frontend/diagnostic-messages.js";
import { BackendError, Lowerer, type Block, type Instance, type Instr, type OfferIR, type Term } from "./automata.js";
import { asType, baseOf, cardinality, defaultOf, isFilteredEnum, predicates } from "./emit-data.js";
import { ExprEmitter, mayRaise, type Resolve } from "./emit-expr.js";

/** Silent steps a task may take between two actions before it is reported as looping (as the reference semantics). */
export const SILENT_BUDGET = 5_000_000;

export interface SiteInfo {
  readonly id: number;
  readonly task: number;
  readonly gate: number;
  readonly types: readonly number[];
  readonly offers: readonly Offer[];
  readonly guard: boolean;
  readonly span: Span;
}

interface BlockMode {
  /** Resolves a variable of an instance. */
  readonly R: (inst: Instance) => Resolve;
  /** Code for task-only terminators. */
  readonly taskTerm?: (b: Block, t: Term) => string;
  readonly fnIndex?: number;
  readonly fn?: FunctionDecl;
}

export class CodeEmitter {
  readonly sites: SiteInfo[] = [];
  readonly ex: ExprEmitter;
  silentErr: number;

  constructor(readonly model: Model, readonly fnIndex: ReadonlyMap<FunctionDecl, number>) {
    this.ex = new ExprEmitter(fnIndex);
    this.silentErr = -1;
  }

  // ---- functions

  emitFunctions(): string {
    const out: string[] = [];
    this.model.functions.forEach((fn, i) => {
      if (!fn.body || fn.builtin) return;
      try {
        out.push(this.emitFunction(fn, i));
      } catch (err) {
        // A function the backend cannot compile is an error only if some task calls it;
        // the stub reports it at run time.
        if (!(err instanceof BackendError)) throw err;
        out.push(this.stubFunction(fn, i, err));
      }
    });
    return out.join("\n\n");
  }

  private stubFunction(fn: FunctionDecl, i: number, err: BackendError): string {
    const id = this.ex.error(err.msg, err.span, err.args.map(String));
    const params = [...fn.params.map((p, j) => `v${j}: ${asType(p.variable.type)}`), ...fn.exceptions.map((_g, j) => `x${j}: i32`)].join(", ");
    const res = fn.result ? asType(fn.result) : "void";
    return `function f${i}(${params}): ${res} {\n  fail(${id}, 0);\n  ${fn.result ? `return ${defaultOf(fn.result)};` : "return;"}\n}`;
  }

  private emitFunction(fn: FunctionDecl, i: number): string {
    const low = new Lowerer(undefined);
    const inst = low.newInstance(fn);
    const entry = low.lowerFunction(fn, inst);
    const R: Resolve = (v) => `v${v.index}`;
    const lines: string[] = [];
    for (const [j, p] of fn.params.entries()) if (p.mode !== "in" && p.mode !== "in var") lines.push(`let fo${i}_${j}: ${asType(p.variable.type)} = ${defaultOf(p.variable.type)};`);
    const params = [...fn.params.map((p, j) => `v${j}: ${asType(p.variable.type)}`), ...fn.exceptions.map((_g, j) => `x${j}: i32`)].join(", ");
    const res = fn.result ? asType(fn.result) : "void";
    this.ex.formalExceptions = fn.exceptions;
    lines.push(`function f${i}(${params}): ${res} {`);
    for (const v of fn.variables.slice(fn.params.length)) lines.push(`  let v${v.index}: ${asType(v.type)} = ${defaultOf(v.type)};`);
    for (const r of fn.requires) lines.push(`  if (!(${this.ex.expr(r, R)})) fail(${this.ex.error(Msg.RequireFailed, r.span, [fn.name])}, 0);`);
    for (const c of fn.entryCopies) lines.push(`  ${R(c.copy)} = ${R(c.param)};`);
    lines.push(`  let pc = ${entry};`, `  while (true) {`, `    switch (pc) {`);
    for (const b of low.blocks) lines.push(this.block(b, { R: () => R, fn, fnIndex: i }));
    this.ex.formalExceptions = [];
    lines.push(`      default: unreachable();`, `    }`, `  }`);
    lines.push(fn.result ? `  return ${defaultOf(fn.result)};` : "", `}`);
    return lines.join("\n");
  }

  // ---- blocks

  private block(b: Block, m: BlockMode): string {
    const code: string[] = [`      case ${b.id}: {`];
    for (const ins of b.instrs) code.push("        " + this.instr(ins, m, instrMayRaise(ins) ? `if (EXC != 0) { ${this.propagate(b, m)} }` : undefined));
    code.push("        " + this.term(b, b.term, m).replace(/\n/g, "\n        "));
    code.push(`      }`);
    return code.join("\n");
  }

  /** `check`: when the instruction may raise, the code that tests for it, placed before any variable is written. */
  private instr(ins: Instr, m: BlockMode, check?: string): string {
    const chk = check ?? "";
    switch (ins.kind) {
      case "assign":
        if (check) {
          const t = this.ex.fresh("v");
          return `{ const ${t} = ${this.ex.expr(ins.value, m.R(ins.inst))}; ${chk} ${m.R(ins.inst)(ins.variable)} = ${t}; }`;
        }
        return `${m.R(ins.inst)(ins.variable)} = ${this.ex.expr(ins.value, m.R(ins.inst))};`;
      case "pass": {
        const from = m.R(ins.from);
        const to = m.R(ins.to);
        const tmps = ins.pairs.map((p) => {
          const t = this.ex.fresh("a");
          return { t, decl: `const ${t}: ${asType(p.variable.type)} = ${this.ex.expr(p.value, from)};`, set: `${to(p.variable)} = ${t};` };
        });
        return `{ ${tmps.map((x) => x.decl).join(" ")} ${chk} ${tmps.map((x) => x.set).join(" ")} }`;
      }
      case "assert":
        return `{ const ok = ${this.ex.expr(ins.cond, m.R(ins.inst))}; ${chk} if (!ok) fail(${this.ex.error(ins.failure?.msg ?? Msg.AssertFailed, ins.span, ins.failure?.args)}, 0); }`;
      case "call": {
        const s = ins.stmt;
        const R = m.R(ins.inst);
        if (s.fn.builtin) throw new BackendError(Msg.BackendUnsupported, s.span, [`calling the predefined '${s.fn.name}' as a procedure`]);
        const i = this.fnIndex.get(s.fn);
        if (i === undefined || !s.fn.body) throw new BackendError(Msg.BackendUnsupported, s.span, [`function '${s.fn.name}' (no body)`]);
        const args = s.args.map((a, j) => (a.kind === "in" ? this.ex.expr(a.expr, R) : a.kind === "in out" ? R(a.variable) : defaultOf(s.fn.params[j]!.variable.type)));
        const call = `f${i}(${[...args, ...s.exceptions.map((g) => this.ex.exc(g))].join(", ")})`;
        const outs = s.args.map((a, j) => (a.kind === "in" ? "" : `${R(a.variable)} = fo${i}_${j};`)).join(" ");
        if (s.result) {
          const t = this.ex.fresh("v");
          return `{ const ${t} = ${call}; ${chk} ${R(s.result)} = ${t}; ${outs} }`;
        }
        return `{ ${call}; ${chk} ${outs} }`;
      }
    }
  }

  private term(b: Block, t: Term, m: BlockMode): string {
    switch (t.kind) {
      case "goto":
        return `pc = ${t.to}; continue;`;
      case "if":
        if (mayRaise(t.cond)) return `pc = (${this.ex.expr(t.cond, m.R(t.inst))}) ? ${t.then} : ${t.else};\nif (EXC != 0) { ${this.propagate(b, m)} }\ncontinue;`;
        return `pc = (${this.ex.expr(t.cond, m.R(t.inst))}) ? ${t.then} : ${t.else}; continue;`;
      case "case": {
        const R = m.R(t.inst);
        const s = this.ex.fresh("s");
        let code = `const ${s} = ${this.ex.expr(t.scrutinee, R)};\n`;
        for (const arm of t.arms) {
          const onMatch = arm.where ? `if (${this.ex.expr(arm.where, R)}) { pc = ${arm.to}; continue; }` : `pc = ${arm.to}; continue;`;
          for (const p of arm.patterns) code += this.ex.match(p, s, R, onMatch) + "\n";
        }
        code += `failText(${this.ex.error(Msg.CaseNoMatch, t.span, ["$value"])}, prn${baseOf(t.scrutinee.type).index}(${s}));\nunreachable();`;
        return code;
      }
      case "return": {
        const R = m.R(t.inst);
        const fn = m.fn!;
        const outs = fn.params.map((p, j) => (p.mode === "in" || p.mode === "in var" ? "" : `fo${m.fnIndex}_${j} = v${p.variable.index};`)).join(" ");
        // `ensure` holds at every return; `X.in` reads the copy made at entry.
        const ensures = fn.ensures.map((e) => `if (!(${this.ex.expr(e, R)})) fail(${this.ex.error(Msg.EnsureFailed, e.span, [fn.name])}, 0);`).join(" ");
        return `${ensures}${ensures ? " " : ""}${outs} return${t.value ? " " + this.ex.expr(t.value, R) : ""};`;
      }
      case "noreturn":
        return `fail(${this.ex.error(Msg.NoReturnValue, t.owner.span, [t.owner.name])}, 0);\nunreachable();`;
      case "raise":
        return `EXC = ${this.ex.exc(t.exception)};\n${this.propagate(b, m, t.span)}`;
      case "dispatch": {
        const lines = t.handlers.map((h) => `if (EXC == ${this.ex.exc(h.exception)}) { EXC = 0; pc = ${h.to}; continue; }`);
        lines.push(this.propagate(b, m));
        return lines.join("\n");
      }
      default:
        if (!m.taskTerm) throw new BackendError(Msg.BackendUnsupported, b.span, [t.kind]);
        return m.taskTerm(b, t);
    }
  }

  /** Code that sends the raised exception (in EXC) on: to the enclosing trap, out of the function, or a run-time error. */
  private propagate(b: Block, m: BlockMode, span?: Span): string {
    if (b.dispatch !== undefined) return `pc = ${b.dispatch}; continue;`;
    if (m.fn) return m.fn.result ? `return ${defaultOf(m.fn.result)};` : "return;";
    return `failText(${this.ex.error(Msg.ExceptionNotCaught, span ?? b.span, ["$value"])}, excName(EXC));\nunreachable();`;
  }

  // ---- tasks

  /**
   * One task: globals for every instance's variables, `t<k>_run` (from the current
   * location to the next stable state), the init code, and the accept/fire cases of its
   * offer sites.
   */
  emitTask(k: number, low: Lowerer, entry: number, init: Instr[], span: Span | undefined): { code: string; accept: string[]; fire: string[] } {
    this.silentErr = this.ex.error(Msg.SilentLoop, span);
    const G: (inst: Instance) => Resolve = (inst) => (v) => `g${k}_${inst.id}_${v.index}`;
    const names: { name: string; type: string; init: string }[] = [];
    for (const inst of low.instances) for (const v of inst.owner.variables) names.push({ name: `g${k}_${inst.id}_${v.index}`, type: asType(v.type), init: defaultOf(v.type) });
    const globals: string[] = [`let t${k}_pc: i32 = ${entry};`, ...names.map((n) => `let ${n.name}: ${n.type} = ${n.init};`)];
    // snapshots of the variables, for `alt` branches run speculatively
    globals.push(
      `class Snap${k} extends Snapshot {`,
      ...names.map((n) => `  ${n.name}: ${n.type} = ${n.init};`),
      `}`,
      `function t${k}_save(): Snap${k} { const s = new Snap${k}(); ${names.map((n) => `s.${n.name} = ${n.name};`).join(" ")} return s; }`,
      `function t${k}_load(x: Snapshot): void { const s = <Snap${k}>x; ${names.map((n) => `${n.name} = s.${n.name};`).join(" ")} }`,
    );
    // The variables as codec bytes, for a distributed run: a READY carries them (captured
    // data) so that a manager on another node evaluates the offer's guard on them.
    const vars: { name: string; nullable: boolean; ty: number }[] = [];
    for (const inst of low.instances) for (const v of inst.owner.variables) vars.push({ name: `g${k}_${inst.id}_${v.index}`, nullable: asType(v.type).endsWith("| null"), ty: baseOf(v.type).index });
    globals.push(
      `function t${k}_enc(w: Writer): void { ${vars.map((v) => (v.nullable ? `{ const x = ${v.name}; if (x === null) w.byte(0); else { w.byte(1); enc${v.ty}(w, x); } }` : `enc${v.ty}(w, ${v.name});`)).join(" ")} }`,
      `function t${k}_dec(r: Reader): void { ${vars.map((v) => (v.nullable ? `if (r.byte() == 0) ${v.name} = null; else ${v.name} = dec${v.ty}(r);` : `${v.name} = dec${v.ty}(r);`)).join(" ")} }`,
    );
    const accept: string[] = [];
    const fire: string[] = [];
    const siteOf = new Map<string, SiteInfo>();
    /** Registers offers when their state is entered; `saved`: the snapshot they resume from, if any. */
    const register = (key0: string, offers: readonly OfferIR[], saved: string | undefined, spec: boolean, lines: string[]): void => {
      offers.forEach((o, i) => {
        // a speculated branch's disrupt offers are the enclosing specalt's, registered once there
        if (spec && o.disrupt) return;
        const key = `${key0}:${i}`;
        let site = siteOf.get(key);
        if (!site) {
          site = this.site(k, o);
          siteOf.set(key, site);
          accept.push(...this.acceptCase(site, o, G));
          fire.push(...this.fireCase(k, site, o, G));
        }
        const conds = o.conds.map((c) => `${c.negate ? "!" : ""}(${this.ex.expr(c.expr, G(c.inst))})`);
        const body: string[] = [`const o${site.id} = ${saved ? `S.offerSaved(${site.id}, ${saved})` : `S.offer(${site.id})`};`];
        o.offers.forEach((of, p) => {
          if (of.kind === "emit") body.push(`enc${baseOf(of.expr.type).index}(W, ${this.ex.expr(of.expr, G(o.inst))}); o${site!.id}.emit[${p}] = ${saved ? "W.take()" : `W.takeInto(o${site!.id}.emit[${p}])`};`);
        });
        lines.push(conds.length > 0 ? `if (${conds.join(" && ")}) { ${body.join(" ")} }` : body.join(" "));
      });
    };
    const makeTerm = (spec: boolean) => (b: Block, t: Term): string => {
      switch (t.kind) {
        case "stable": {
          const lines = spec ? [] : [`S.begin(${k});`];
          register(`${b.id}`, t.offers, spec ? `t${k}_save()` : undefined, spec, lines);
          if (!spec) lines.push(`t${k}_pc = ${b.id};`);
          lines.push(`return;`);
          return lines.join("\n");
        }
        case "specalt": {
          const lines = spec ? [] : [`S.begin(${k});`];
          lines.push(`const base = t${k}_save();`);
          for (const e of t.branches) lines.push(`t${k}_load(base); t${k}_spec(${e});`);
          lines.push(`t${k}_load(base);`);
          // the enclosing disrupts' offers, once (the speculated branches skip them), resuming from here
          if (!spec) register(`${b.id}d`, t.disrupts, "base", false, lines);
          if (!spec) lines.push(`t${k}_pc = ${b.id};`);
          lines.push(`return;`);
          return lines.join("\n");
        }
        case "any": {
          const R = G(t.inst);
          const ty = t.variable.type;
          const filtered = isFilteredEnum(ty);
          const n = filtered ? `subCard${ty.index}()` : predicates(ty).length > 0 ? -1 : cardinality(ty);
          if (n === -1 || (typeof n === "number" && n < 0)) return `fail(${this.ex.error(Msg.InfiniteAny, t.span, [t.variable.name, t.variable.type.name])}, 0);\nunreachable();`;
          const T = asType(t.variable.type);
          const x = this.ex.fresh("x");
          const nth = (i: string) => (filtered ? `nth${baseOf(ty).index}(subIdx${ty.index}(${i}))` : `nth${baseOf(ty).index}(${i})`);
          const where = t.where ? this.ex.expr(t.where, R) : "true";
          if (spec) {
            return [
              `const base = t${k}_save();`,
              `for (let i = 0; i < ${n}; i++) { t${k}_load(base); const ${x} = ${nth("i")}; ${R(t.variable)} = ${x}; if (${where}) t${k}_spec(${t.to}); }`,
              `t${k}_load(base);`,
              `return;`,
            ].join("\n");
          }
          return [
            `let cnt = 0; let chosen: ${T} = ${defaultOf(t.variable.type)};`,
            `for (let i = 0; i < ${n}; i++) { const ${x} = ${nth("i")}; ${R(t.variable)} = ${x}; if (${where}) { cnt++; if (keep(cnt)) chosen = ${x}; } }`,
            `if (cnt == 0) { S.stop(${k}); t${k}_pc = ${b.id}; return; }`,
            `${R(t.variable)} = chosen; pc = ${t.to}; continue;`,
          ].join("\n");
        }
        case "stop":
          return spec ? "return;" : `S.stop(${k}); t${k}_pc = ${b.id}; return;`;
        case "terminate":
          return spec ? "return;" : `S.terminate(${k}); t${k}_pc = ${b.id}; return;`;
        default:
          throw new BackendError(Msg.BackendUnsupported, b.span, [t.kind]);
      }
    };
    const runMode: BlockMode = { R: G, taskTerm: makeTerm(false) };
    const specMode: BlockMode = { R: G, taskTerm: makeTerm(true) };
    const loop = (name: string, head: string, mode: BlockMode): string[] => {
      const out = [`function ${name}: void {`, head, `  let budget = 0;`, `  while (true) {`, `    if (++budget > ${SILENT_BUDGET}) fail(${this.silentErr}, 0);`, `    switch (pc) {`];
      for (const b of low.blocks) out.push(this.block(b, mode));
      out.push(`      default: unreachable();`, `    }`, `  }`, `}`);
      return out;
    };
    const run = loop(`t${k}_run()`, `  let pc = t${k}_pc;`, runMode);
    const hasSpec = low.blocks.some((b) => b.term.kind === "specalt");
    const spec = hasSpec ? loop(`t${k}_spec(start: i32)`, `  let pc = start;`, specMode) : [`function t${k}_spec(start: i32): void {}`];
    const initCode = [`function t${k}_init(): void {`, ...init.map((i) => "  " + this.instr(i, runMode)), `  t${k}_pc = ${entry};`, `  t${k}_run();`, `}`];
    return { code: [...globals, ...run, ...spec, ...initCode].join("\n"), accept, fire };
  }

  private site(task: number, o: OfferIR): SiteInfo {
    const types = o.offers.map((of) => (of.kind === "emit" ? of.expr.type.index : of.pattern.type.index));
    const guard = o.where !== undefined || o.offers.some((of) => of.kind === "receive" && of.pattern.kind !== "var" && of.pattern.kind !== "any");
    const s: SiteInfo = { id: this.sites.length, task, gate: o.gate, types, offers: o.offers, guard, span: o.span };
    this.sites.push(s);
    return s;
  }

  private decodeAll(site: SiteInfo, o: OfferIR): { lines: string[]; vals: string[] } {
    const lines: string[] = [];
    const vals: string[] = [];
    o.offers.forEach((of, p) => {
      if (of.kind === "emit") {
        vals.push("");
        return;
      }
      const v = `r${site.id}_${p}`;
      lines.push(`const ${v} = dec${baseOf(of.pattern.type).index}(rd(vals[${p}]));`);
      vals.push(v);
    });
    return { lines, vals };
  }

  private acceptCase(site: SiteInfo, o: OfferIR, G: (inst: Instance) => Resolve): string[] {
    if (!site.guard) return [];
    const { lines, vals } = this.decodeAll(site, o);
    // pattern variables are bound to locals: a refused candidate must leave the task's variables alone
    const locals = new Map<VarDecl, string>();
    const collect = (p: Pattern): void => {
      if (p.kind === "var" && !locals.has(p.variable)) locals.set(p.variable, `l${site.id}_${locals.size}`);
      if (p.kind === "ctor") p.args.forEach(collect);
    };
    for (const of of o.offers) if (of.kind === "receive") collect(of.pattern);
    const base = G(o.inst);
    const R: Resolve = (v) => locals.get(v) ?? base(v);
    for (const [v, name] of locals) lines.push(`let ${name}: ${asType(v.type)} = ${base(v)};`);
    let inner = o.where ? `if (${this.ex.expr(o.where, R)}) return true;` : "return true;";
    for (let p = o.offers.length - 1; p >= 0; p--) {
      const of = o.offers[p]!;
      if (of.kind === "receive") inner = this.ex.match(of.pattern, vals[p]!, R, inner);
    }
    return [`    case ${site.id}: {`, `      if (o.saved !== null) t${site.task}_load(o.saved!);`, ...lines.map((l) => "      " + l), "      " + inner.replace(/\n/g, "\n      "), `      return false;`, `    }`];
  }

  private fireCase(k: number, site: SiteInfo, o: OfferIR, G: (inst: Instance) => Resolve): string[] {
    const { lines, vals } = this.decodeAll(site, o);
    const R = G(o.inst);
    let inner = `t${k}_pc = ${o.to};`;
    for (let p = o.offers.length - 1; p >= 0; p--) {
      const of = o.offers[p]!;
      if (of.kind === "receive") inner = this.ex.match(of.pattern, vals[p]!, R, inner);
    }
    return [`    case ${site.id}: {`, `      if (o.saved !== null) t${k}_load(o.saved!);`, ...lines.map((l) => "      " + l), "      " + inner.replace(/\n/g, "\n      "), `      t${k}_run();`, `      return;`, `    }`];
  }
}

function instrMayRaise(i: Instr): boolean {
  switch (i.kind) {
    case "assign":
      return mayRaise(i.value);
    case "pass":
      return i.pairs.some((p) => mayRaise(p.value));
    case "call":
      return i.stmt.fn.exceptions.length > 0 || i.stmt.args.some((a) => a.kind === "in" && mayRaise(a.expr));
    case "assert":
      return mayRaise(i.cond);
  }
}

