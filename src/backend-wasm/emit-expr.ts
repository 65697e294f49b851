// Expressions, patterns and predefined functions as AssemblyScript source. Every place
// that can fail at run time (overflow, division by zero, a missing field, an empty
// list) gets an id in the error table, which the manifest maps back to a source span.

import type { Expr, FunctionDecl, GateDecl, Pattern, TypeDecl, VarDecl } from "../frontend/model.js";
import type { Span } from "../frontend/source.js";
import { Msg, type DiagnosticMessage } from "../frontend/diagnostic-messages.js";
import { BackendError } from "./automata.js";
import { asType, baseOf, bounds, cardinality, cmpCall, eqCode, i64Lit, isScalar, predicates } from "./emit-data.js";

export interface ErrorSite {
  readonly msg: DiagnosticMessage;
  readonly span: Span | undefined;
  /** Message arguments; "$value" stands for the value the Wasm reports. */
  readonly args: readonly string[];
}

export type Resolve = (v: VarDecl) => string;

export class ExprEmitter {
  readonly errors: ErrorSite[] = [];
  /** Helper functions made on demand (subtype checks). */
  readonly extra: string[] = [];
  private readonly subtypeChecks = new Set<TypeDecl>();
  private tmp = 0;

  error(msg: DiagnosticMessage, span: Span | undefined, args: readonly string[] = []): number {
    this.errors.push({ msg, span, args });
    return this.errors.length - 1;
  }

  fresh(prefix = "m"): string {
    return `${prefix}${this.tmp++}`;
  }

  constructor(readonly fnIndex: ReadonlyMap<FunctionDecl, number>) {}

  /** Run-time ids of exceptions (0: none raised; 1: `unexpected`). */
  readonly excIds = new Map<GateDecl, number>();
  /** The exception parameters of the function being emitted (passed as i32 ids). */
  formalExceptions: readonly GateDecl[] = [];

  excId(g: GateDecl): number {
    let id = this.excIds.get(g);
    if (id === undefined) this.excIds.set(g, (id = this.excIds.size + 2));
    return id;
  }

  /** The run-time enumeration of a predicate subtype of a finite type (see isFilteredEnum). */
  subtypeEnum(t: TypeDecl): void {
    const k = t.index;
    const b = baseOf(t).index;
    const n = cardinality(baseOf(t));
    const preds = predicates(t).map((p) => `(${this.expr(p.predicate, (v) => (v === p.variable ? "x" : "x"))})`);
    this.extra.push(
      `let subT${k}: Array<i32> | null = null;`,
      `function subTbl${k}(): Array<i32> { if (subT${k} === null) { const a = new Array<i32>(); for (let i = 0; i < ${n}; i++) { const x = nth${b}(i); if (${preds.join(" && ")}) a.push(i); } subT${k} = a; } return subT${k}!; }`,
      `function subCard${k}(): i32 { return subTbl${k}().length; }`,
      `function subIdx${k}(i: i32): i32 { return subTbl${k}()[i]; }`,
    );
  }

  /** The AS expression of an exception's run-time id where it is named. */
  exc(g: GateDecl): string {
    const i = this.formalExceptions.indexOf(g);
    if (i >= 0) return `x${i}`;
    if (g.index === -1) return "1";
    return String(this.excId(g));
  }

  overflow(t: TypeDecl, span: Span): number {
    const b = bounds(t)!;
    return this.error(Msg.Overflow, span, ["$value", t.name, String(b.lo), String(b.hi)]);
  }

  expr(e: Expr, R: Resolve): string {
    switch (e.kind) {
      case "var":
        return R(e.variable);
      case "entry":
        return R(e.copy);
      case "literal":
        return literal(e.value, e.type);
      case "lazy":
        return `(${this.expr(e.left, R)} ${e.op === "and then" ? "&&" : "||"} ${this.expr(e.right, R)})`;
      case "ctor": {
        const t = baseOf(e.type);
        const d = t.def;
        const args = e.args.map((a) => this.expr(a, R));
        if (d.kind === "list") {
          if (e.ctor === d.nil) return `<L${t.index} | null>null`;
          return `<L${t.index} | null>new L${t.index}(${args[0]}, ${args[1]})`;
        }
        if (d.kind === "constructors" && d.enumeration) return `${e.ctor.index}`;
        return `mk${t.index}_${e.ctor.index}(${args.join(", ")})`;
      }
      case "field": {
        const t = baseOf(e.target.type);
        return `get${t.index}_${e.field}(${this.expr(e.target, R)}, ${this.error(Msg.NoSuchField, e.span, ["$value", e.field])})`;
      }
      case "update": {
        const t = baseOf(e.target.type);
        let s = this.expr(e.target, R);
        for (const u of e.updates) s = `set${t.index}_${u.field}(${s}, ${this.expr(u.value, R)}, ${this.error(Msg.NoSuchField, e.span, ["$value", u.field])})`;
        return s;
      }
      case "index": {
        const t = baseOf(e.target.type);
        const d = t.def;
        if (d.kind !== "array") throw new BackendError(Msg.BackendUnsupported, e.span, ["indexing this type"]);
        return `aget${t.index}(${this.expr(e.target, R)}, ${this.expr(e.index, R)}, ${this.error(Msg.IndexOutOfRange, e.span, ["$value", String(d.low), String(d.high), t.name])})`;
      }
      case "collection": {
        const t = baseOf(e.type);
        const d = t.def;
        const els = e.elements.map((x) => this.expr(x, R));
        if (d.kind === "list") {
          if (d.set || d.sorted) {
            let s = `<L${t.index} | null>null`;
            for (const x of els) s = `sortedIns${t.index}(${x}, ${s}, ${d.set})`;
            return s;
          }
          return `fromArr${t.index}([${els.map((x) => `<${asType(d.element)}>(${x})`).join(", ")}])`;
        }
        if (d.kind === "array") return `<Array<${asType(d.element)}> | null>[${els.join(", ")}]`;
        throw new BackendError(Msg.BackendUnsupported, e.span, ["this collection literal"]);
      }
      case "convert": {
        const b = bounds(e.type);
        if (e.type.def.kind === "range" && b) return `chk(${this.expr(e.expr, R)}, ${i64Lit(b.lo)}, ${i64Lit(b.hi)}, ${this.error(Msg.ValueOutOfRange, e.span, ["$value", e.type.name])})`;
        if (e.type.def.kind === "subtype" && e.type.def.predicate === undefined) return this.expr(e.expr, R);
        if (e.type.def.kind === "subtype") {
          const d = e.type.def;
          const k = e.type.index;
          if (!this.subtypeChecks.has(e.type)) {
            this.subtypeChecks.add(e.type);
            const T = asType(e.type);
            const pred = this.expr(d.predicate!, (v) => (v === d.variable ? "x" : "x"));
            const shown = T === "i64" ? "x" : "0";
            this.extra.push(`function sub${k}(x: ${T}, err: i32): ${T} { if (!(${pred})) fail(err, ${shown}); return x; }`);
          }
          const inner = this.expr(e.expr, R);
          const b = bounds(e.type);
          const checked = b ? `chk(${inner}, ${i64Lit(b.lo)}, ${i64Lit(b.hi)}, ${this.error(Msg.NotInType, e.span, ["$value", e.type.name])})` : inner;
          return `sub${k}(${checked}, ${this.error(Msg.NotInType, e.span, ["$value", e.type.name])})`;
        }
        throw new BackendError(Msg.BackendUnsupported, e.span, [`conversion into ${e.type.name}`]);
      }
      case "call": {
        const args = e.args.map((a) => this.expr(a, R));
        if (e.fn.builtin) return this.builtin(e, args);
        const i = this.fnIndex.get(e.fn);
        if (i === undefined || !e.fn.body) throw new BackendError(Msg.BackendUnsupported, e.span, [`function '${e.fn.name}' (no body)`]);
        return `f${i}(${[...args, ...e.exceptions.map((g) => this.exc(g))].join(", ")})`;
      }
    }
  }

  private builtin(e: Extract<Expr, { kind: "call" }>, a: string[]): string {
    const b = e.fn.builtin!;
    const at = e.args[0]?.type;
    const rt = e.type;
    const span = e.span;
    const num = () => {
      const bt = bounds(rt);
      if (!bt) return undefined;
      return { lo: i64Lit(bt.lo), hi: i64Lit(bt.hi), err: () => this.overflow(baseOf(rt), span) };
    };
    const real = at !== undefined && baseOf(at).def.kind === "real";
    switch (b.op) {
      case "eq":
        return eqCode(at!, a[0]!, a[1]!);
      case "ne":
        return `!${eqCode(at!, a[0]!, a[1]!)}`;
      case "lt":
      case "le":
      case "gt":
      case "ge": {
        const op = { lt: "<", le: "<=", gt: ">", ge: ">=" }[b.op];
        if (isScalar(at!) && asType(at!) !== "bool") return `(${a[0]} ${op} ${a[1]})`;
        return `(${cmpCall(at!, a[0]!, a[1]!)} ${op} 0)`;
      }
      case "not":
        return `!(${a[0]})`;
      case "and":
        return `(${a[0]} && ${a[1]})`;
      case "or":
        return `(${a[0]} || ${a[1]})`;
      case "xor":
        return `(${a[0]} != ${a[1]})`;
      case "implies":
        return `(!(${a[0]}) || ${a[1]})`;
      case "iff":
        return `(${a[0]} == ${a[1]})`;
      case "add":
      case "sub": {
        const op = b.op === "add" ? "+" : "-";
        if (real) return `(${a[0]} ${op} ${a[1]})`;
        if (asType(rt) === "string") return `(${a[0]} + ${a[1]})`;
        const n = num();
        if (!n) break;
        return `chk(${a[0]} ${op} ${a[1]}, ${n.lo}, ${n.hi}, ${n.err()})`;
      }
      case "mul": {
        if (real) return `(${a[0]} * ${a[1]})`;
        const n = num();
        if (!n) break;
        return `mulChk(${a[0]}, ${a[1]}, ${n.lo}, ${n.hi}, ${n.err()})`;
      }
      case "realdiv":
        return `(${a[0]} / ${a[1]})`;
      case "div":
      case "mod":
      case "rem": {
        if (real) return b.op === "div" ? `(${a[0]} / ${a[1]})` : `(${a[0]} % ${a[1]})`;
        const f = { div: "divChk", mod: "modChk", rem: "remChk" }[b.op];
        return `${f}(${a[0]}, ${a[1]}, ${this.error(Msg.DivisionByZero, span)})`;
      }
      case "pow": {
        if (real) return `Math.pow(${a[0]}, ${a[1]})`;
        const n = num();
        if (!n) break;
        return `powChk(${a[0]}, ${a[1]}, ${n.lo}, ${n.hi}, ${n.err()}, ${this.error(Msg.NegativeExponent, span, ["$value"])})`;
      }
      case "neg": {
        if (real) return `(-(${a[0]}))`;
        const n = num();
        if (!n) break;
        return `chk(-(${a[0]}), ${n.lo}, ${n.hi}, ${n.err()})`;
      }
      case "pos":
        return a[0]!;
      case "abs": {
        if (real) return `Math.abs(${a[0]})`;
        const n = num();
        if (!n) break;
        return `chk(absI(${a[0]}), ${n.lo}, ${n.hi}, ${n.err()})`;
      }
      case "sign":
        return real ? `Math.sign(${a[0]})` : `signI(${a[0]})`;
      case "min":
      case "max": {
        const op = b.op === "min" ? "<" : ">";
        return `(${a[0]} ${op} ${a[1]} ? ${a[0]} : ${a[1]})`;
      }
      case "succ":
      case "pred": {
        const op = b.op === "succ" ? "+" : "-";
        const n = num();
        if (n) return `chk(${a[0]} ${op} 1, ${n.lo}, ${n.hi}, ${n.err()})`;
        const d = baseOf(rt).def;
        if (d.kind === "constructors" && d.enumeration) {
          const err = this.error(Msg.RuntimeError, span, [`${b.op} of the ${b.op === "succ" ? "last" : "first"} value of ${rt.name}`]);
          return `<i32>chk(<i64>(${a[0]}) ${op} 1, 0, ${d.constructors.length - 1}, ${err})`;
        }
        break;
      }
      case "first":
      case "last": {
        const d = baseOf(b.type).def;
        if (d.kind === "constructors" && d.enumeration) return b.op === "first" ? "0" : `${d.constructors.length - 1}`;
        const bt = bounds(b.type);
        if (bt) return i64Lit(b.op === "first" ? bt.lo : bt.hi);
        break;
      }
      case "card": {
        const d = baseOf(b.type).def;
        if (d.kind === "constructors" && d.enumeration) return `<i64>${d.constructors.length}`;
        break;
      }
      case "ord": {
        const t = asType(at!);
        if (t === "i32") return `<i64>(${a[0]})`;
        break;
      }
      case "val": {
        const d = baseOf(rt).def;
        if (d.kind === "constructors" && d.enumeration) {
          const err = this.error(Msg.ValueOutOfRange, span, ["$value", rt.name]);
          return `<i32>chk(${a[0]}, 0, ${d.constructors.length - 1}, ${err})`;
        }
        break;
      }
      case "convert": {
        const from = asType(at!);
        const to = asType(rt);
        const bt = bounds(rt);
        if (from === "i64" && bt) return `chk(${a[0]}, ${i64Lit(bt.lo)}, ${i64Lit(bt.hi)}, ${this.overflow(baseOf(rt), span)})`;
        if (from === "i64" && to === "f64") return `<f64>(${a[0]})`;
        if (from === "f64" && bt) return `chk(<i64>(${a[0]}), ${i64Lit(bt.lo)}, ${i64Lit(bt.hi)}, ${this.overflow(baseOf(rt), span)})`;
        if (from === "i64" && to === "i32") return `<i32>chk(${a[0]}, 0, 255, ${this.error(Msg.ValueOutOfRange, span, ["$value", rt.name])})`;
        if (from === "i32" && to === "i64") return `<i64>(${a[0]})`;
        if (from === to) return a[0]!;
        break;
      }
      case "length": {
        if (asType(at!) === "string") return `<i64>(${a[0]}).length`;
        const t = baseOf(at!);
        if (t.def.kind === "list") return `len${t.index}(${a[0]})`;
        break;
      }
      case "empty": {
        if (asType(at!) === "string") return `((${a[0]}).length == 0)`;
        return `(${a[0]} === null)`;
      }
      case "concat": {
        if (asType(rt) === "string") return `(${a[0]} + ${a[1]})`;
        return `concat${baseOf(rt).index}(${a[0]}, ${a[1]})`;
      }
      case "head":
        return `head${baseOf(at!).index}(${a[0]}, ${this.error(Msg.EmptyCollection, span, ["head"])})`;
      case "tail":
        return `tail${baseOf(at!).index}(${a[0]}, ${this.error(Msg.EmptyCollection, span, ["tail"])})`;
      case "last_element":
        return `lastOf${baseOf(at!).index}(${a[0]}, ${this.error(Msg.EmptyCollection, span, ["last"])})`;
      case "append":
        return `append${baseOf(rt).index}(${a[0]}, ${a[1]})`;
      case "cons":
        return `<L${baseOf(rt).index} | null>new L${baseOf(rt).index}(${a[0]}, ${a[1]})`;
      case "member":
        return `member${baseOf(e.args[1]!.type).index}(${a[0]}, ${a[1]})`;
      case "insert": {
        const d = baseOf(rt).def;
        if (d.kind === "list" && (d.set || d.sorted)) return `sortedIns${baseOf(rt).index}(${a[0]}, ${a[1]}, ${d.set})`;
        return `<L${baseOf(rt).index} | null>new L${baseOf(rt).index}(${a[0]}, ${a[1]})`;
      }
      case "remove":
      case "delete":
        return `remove${baseOf(rt).index}(${a[0]}, ${a[1]})`;
      case "reverse":
        return `reverse${baseOf(rt).index}(${a[0]})`;
      case "nth":
        if (baseOf(at!).def.kind === "list") return `nth${baseOf(at!).index}_(${a[0]}, ${a[1]}, ${this.error(Msg.IndexOutOfRange, span, ["$value", "1", "length", at!.name])})`;
        break;
      case "fill":
        return `fill${baseOf(rt).index}(${a[0]})`;
      case "array_get": {
        const t = baseOf(at!);
        const d = t.def;
        if (d.kind !== "array") break;
        return `aget${t.index}(${a[0]}, ${a[1]}, ${this.error(Msg.IndexOutOfRange, span, ["$value", String(d.low), String(d.high), t.name])})`;
      }
      case "array_set": {
        const t = baseOf(at!);
        const d = t.def;
        if (d.kind !== "array") break;
        return `aset${t.index}(${a[0]}, ${a[1]}, ${a[2]}, ${this.error(Msg.IndexOutOfRange, span, ["$value", String(d.low), String(d.high), t.name])})`;
      }
      case "get_field":
        return `get${baseOf(at!).index}_${b.field}(${a[0]}, ${this.error(Msg.NoSuchField, span, ["$value", b.field ?? "?"])})`;
      case "set_field":
        return `set${baseOf(at!).index}_${b.field}(${a[0]}, ${a[1]}, ${this.error(Msg.NoSuchField, span, ["$value", b.field ?? "?"])})`;
      default:
        break;
    }
    throw new BackendError(Msg.BackendUnsupported, span, [`the predefined function '${e.fn.name}' on ${(at ?? rt).name}`]);
  }

  /**
   * Code that matches `value` (an AS expression of the pattern's type) against `p`,
   * assigning the pattern's variables through `bind`, and runs `onMatch` when it matches.
   */
  match(p: Pattern, value: string, R: Resolve, onMatch: string): string {
    switch (p.kind) {
      case "any":
        return onMatch;
      case "var":
        return `${R(p.variable)} = ${value};\n${onMatch}`;
      case "value":
        return `if (${eqCode(p.type, value, this.expr(p.expr, R))}) {\n${onMatch}\n}`;
      case "ctor": {
        const t = baseOf(p.type);
        const d = t.def;
        const v = this.fresh();
        if (d.kind === "list") {
          if (p.ctor === d.nil) return `if (${value} === null) {\n${onMatch}\n}`;
          const inner = this.match(p.args[0]!, `${v}.h`, R, this.match(p.args[1]!, `${v}.t`, R, onMatch));
          return `{ const ${v}n = ${value}; if (${v}n !== null) { const ${v} = ${v}n!;\n${inner}\n} }`;
        }
        if (d.kind === "constructors" && d.enumeration) return `if (${value} == ${p.ctor.index}) {\n${onMatch}\n}`;
        let inner = onMatch;
        for (let i = p.args.length - 1; i >= 0; i--) inner = this.match(p.args[i]!, `${v}.f${p.ctor.index}_${i}`, R, inner);
        return `{ const ${v} = (${value})!; if (${v}.tag == ${p.ctor.index}) {\n${inner}\n} }`;
      }
    }
  }
}

/** Whether evaluating `e` may raise an exception (a call of a function that declares some). */
export function mayRaise(e: Expr): boolean {
  switch (e.kind) {
    case "call":
      return e.fn.exceptions.length > 0 || e.args.some(mayRaise);
    case "ctor":
      return e.args.some(mayRaise);
    case "field":
      return mayRaise(e.target);
    case "update":
      return mayRaise(e.target) || e.updates.some((u) => mayRaise(u.value));
    case "index":
      return mayRaise(e.target) || mayRaise(e.index);
    case "collection":
      return e.elements.some(mayRaise);
    case "convert":
      return mayRaise(e.expr);
    case "lazy":
      return mayRaise(e.left) || mayRaise(e.right);
    default:
      return false;
  }
}

export function literal(v: bigint | number | string | boolean, t: TypeDecl): string {
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return i64Lit(v);
  if (typeof v === "number") return Number.isInteger(v) ? `${v}.0` : `${v}`;
  if (asType(t) === "i32") return `${v.codePointAt(0) ?? 0}`;
  return JSON.stringify(v);
}

