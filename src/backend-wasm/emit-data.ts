// The data part of the generated AssemblyScript: for every LNT type of the model, its
// representation, equality, order, the canonical binary codec used for offers, the
// CADP label printer, the enumeration of finite types, and field access.
//
// Representation: bool -> bool; nat, int and ranges -> i64 (bounds checked on every
// operation); char and enumerations -> i32; real -> f64; string -> string; constructor
// types -> class `T<k>` (tag plus the fields of every constructor); lists and sets ->
// class `L<k>` (null is nil); arrays -> Array. Reference types are nullable in AS.

import type { Model, TypeDecl } from "../frontend/model.js";
import { Msg } from "../frontend/diagnostic-messages.js";
import { BackendError } from "./automata.js";

/** At most this many values are enumerated (as the reference semantics). */
export const ENUM_LIMIT = 65536;

export function baseOf(t: TypeDecl): TypeDecl {
  return t.def.kind === "subtype" ? baseOf(t.def.base) : t;
}

export function asType(t: TypeDecl): string {
  const d = baseOf(t).def;
  switch (d.kind) {
    case "bool":
      return "bool";
    case "nat":
    case "int":
    case "range":
      return "i64";
    case "char":
      return "i32";
    case "real":
      return "f64";
    case "string":
      return "string";
    case "constructors":
      return d.enumeration ? "i32" : `T${baseOf(t).index} | null`;
    case "list":
      return `L${baseOf(t).index} | null`;
    case "array":
      return `Array<${asType(d.element)}> | null`;
    case "subtype":
      throw new Error("unreachable");
  }
}

export function defaultOf(t: TypeDecl): string {
  const a = asType(t);
  switch (a) {
    case "bool":
      return "false";
    case "i64":
      return "<i64>0";
    case "i32":
      return "0";
    case "f64":
      return "0.0";
    case "string":
      return '""';
    default:
      return "null";
  }
}

/** Whether values compare with the AS operators `==` and `<`. */
export function isScalar(t: TypeDecl): boolean {
  const a = asType(t);
  return a === "i64" || a === "i32" || a === "f64" || a === "string" || a === "bool";
}

export function bounds(t: TypeDecl): { lo: bigint; hi: bigint } | undefined {
  const d = baseOf(t).def;
  if (d.kind === "nat") return { lo: 0n, hi: d.max };
  if (d.kind === "int") return { lo: d.min, hi: d.max };
  if (d.kind === "range") return { lo: d.low, hi: d.high };
  return undefined;
}

export function i64Lit(v: bigint): string {
  if (v === -(1n << 63n)) return "i64.MIN_VALUE";
  return `<i64>${v < 0n ? `(${v})` : v}`;
}

/** Number of values, or -1 when too many to enumerate. */
/** The predicates of a subtype chain (empty for other types). */
export function predicates(t: TypeDecl): { variable: import("../frontend/model.js").VarDecl; predicate: import("../frontend/model.js").Expr }[] {
  const out = [];
  for (let u = t; u.def.kind === "subtype"; u = u.def.base) if (u.def.predicate !== undefined) out.push({ variable: u.def.variable, predicate: u.def.predicate });
  return out;
}

/**
 * A predicate subtype of a finite type is enumerated at run time (`subCard<k>`,
 * `subIdx<k>`: its values' positions among the base's); the compile-time cardinality
 * is then that of the base.
 */
export function isFilteredEnum(t: TypeDecl): boolean {
  return predicates(t).length > 0 && cardinality(baseOf(t)) >= 0;
}

export function cardinality(t: TypeDecl, seen: Set<TypeDecl> = new Set()): number {
  // a predicate subtype inside a constructor is not enumerated (its base's values would escape it)
  if (seen.size > 0 && predicates(t).length > 0) return -1;
  const b = baseOf(t);
  const d = b.def;
  switch (d.kind) {
    case "bool":
      return 2;
    case "range": {
      const n = d.high - d.low + 1n;
      return n > BigInt(ENUM_LIMIT) ? -1 : Number(n);
    }
    case "constructors": {
      if (seen.has(b)) return -1;
      seen.add(b);
      let total = 0;
      for (const c of d.constructors) {
        let n = 1;
        for (const f of c.fields) {
          const k = cardinality(f.type, seen);
          if (k < 0) return -1;
          n *= k;
          if (n > ENUM_LIMIT) return -1;
        }
        total += n;
        if (total > ENUM_LIMIT) return -1;
      }
      seen.delete(b);
      return total;
    }
    default:
      return -1;
  }
}

export function emitData(model: Model): string {
  const out: string[] = [];
  for (const t of model.types) {
    const b = bounds(t);
    if (b && (b.hi > (1n << 62n) || b.lo < -(1n << 62n))) throw new BackendError(Msg.WideNumbers, t.span, [t.name]);
    if (t.def.kind === "subtype") continue;
    out.push(...typeCode(t));
  }
  // dispatch by type id, for the scheduler
  out.push("function cardOf(t: i32): i32 {", "  switch (t) {");
  for (const t of model.types) out.push(`    case ${t.index}: return ${isFilteredEnum(t) ? `subCard${t.index}()` : predicates(t).length > 0 ? -1 : cardinality(t)};`);
  out.push("  }", "  return -1;", "}");
  out.push("function valueAtOf(t: i32, i: i32): Uint8Array {", "  switch (t) {");
  for (const t of model.types) {
    const b = baseOf(t).index;
    if (isFilteredEnum(t)) out.push(`    case ${t.index}: { enc${b}(W, nth${b}(subIdx${t.index}(i))); return W.take(); }`);
    else if (predicates(t).length === 0 && cardinality(t) >= 0) out.push(`    case ${t.index}: { enc${b}(W, nth${b}(i)); return W.take(); }`);
  }
  out.push("  }", "  return new Uint8Array(0);", "}");
  out.push("function printOf(t: i32, v: Uint8Array): string {", "  switch (t) {");
  for (const t of model.types) out.push(`    case ${t.index}: return prn${baseOf(t).index}(dec${baseOf(t).index}(rd(v)));`);
  out.push("  }", '  return "?";', "}");
  return out.join("\n");
}

function typeCode(t: TypeDecl): string[] {
  const k = t.index;
  const T = asType(t);
  const d = t.def;
  // hashing through the canonical encoding (equal values, equal bytes); asc keeps only what is used
  const o: string[] = [`function hash${k}(v: ${T}): u32 { enc${k}(W, v); return hashBytes(W.take()); }`];
  switch (d.kind) {
    case "bool":
      o.push(
        `function eq${k}(a: bool, b: bool): bool { return a == b; }`,
        `function cmp${k}(a: bool, b: bool): i32 { return <i32>a - <i32>b; }`,
        `function enc${k}(w: Writer, v: bool): void { w.byte(v ? 1 : 0); }`,
        `function dec${k}(r: Reader): bool { return r.byte() != 0; }`,
        `function prn${k}(v: bool): string { return v ? "TRUE" : "FALSE"; }`,
        `function nth${k}(i: i32): bool { return i != 0; }`,
      );
      break;
    case "nat":
    case "int":
    case "range":
      o.push(
        `function eq${k}(a: i64, b: i64): bool { return a == b; }`,
        `function cmp${k}(a: i64, b: i64): i32 { return cmpI(a, b); }`,
        `function enc${k}(w: Writer, v: i64): void { w.int(v); }`,
        `function dec${k}(r: Reader): i64 { return r.int(); }`,
        `function prn${k}(v: i64): string { return v.toString(); }`,
      );
      if (d.kind === "range") o.push(`function nth${k}(i: i32): i64 { return ${i64Lit(d.low)} + <i64>i; }`);
      break;
    case "char":
      o.push(
        `function eq${k}(a: i32, b: i32): bool { return a == b; }`,
        `function cmp${k}(a: i32, b: i32): i32 { return a - b; }`,
        `function enc${k}(w: Writer, v: i32): void { w.uint(<u64>v); }`,
        `function dec${k}(r: Reader): i32 { return <i32>r.uint(); }`,
        `function prn${k}(v: i32): string { return quoteStr(String.fromCharCode(v), "'"); }`,
      );
      break;
    case "real":
      o.push(
        `function eq${k}(a: f64, b: f64): bool { return a == b; }`,
        `function cmp${k}(a: f64, b: f64): i32 { return cmpR(a, b); }`,
        `function enc${k}(w: Writer, v: f64): void { w.real(v); }`,
        `function dec${k}(r: Reader): f64 { return r.real(); }`,
        `function prn${k}(v: f64): string { return printReal(v); }`,
      );
      break;
    case "string":
      o.push(
        `function eq${k}(a: string, b: string): bool { return a == b; }`,
        `function cmp${k}(a: string, b: string): i32 { return cmpS(a, b); }`,
        `function enc${k}(w: Writer, v: string): void { w.str(v); }`,
        `function dec${k}(r: Reader): string { return r.str(); }`,
        `function prn${k}(v: string): string { return quoteStr(v, '"'); }`,
      );
      break;
    case "constructors":
      if (d.enumeration) {
        o.push(
          `function eq${k}(a: i32, b: i32): bool { return a == b; }`,
          `function cmp${k}(a: i32, b: i32): i32 { return a - b; }`,
          `function enc${k}(w: Writer, v: i32): void { w.uint(<u64>v); }`,
          `function dec${k}(r: Reader): i32 { return <i32>r.uint(); }`,
          `const names${k}: Array<string> = [${d.constructors.map((c) => JSON.stringify(c.name.toUpperCase())).join(", ")}];`,
          `function prn${k}(v: i32): string { return names${k}[v]; }`,
          `function nth${k}(i: i32): i32 { return i; }`,
        );
        break;
      }
      {
        const fields: string[] = [];
        d.constructors.forEach((c, ci) => c.fields.forEach((f, fi) => fields.push(`  f${ci}_${fi}: ${asType(f.type)} = ${defaultOf(f.type)};`)));
        o.push(`class T${k} {`, `  tag: i32 = 0;`, ...fields, `}`);
        d.constructors.forEach((c, ci) => {
          const ps = c.fields.map((f, fi) => `a${fi}: ${asType(f.type)}`).join(", ");
          o.push(`function mk${k}_${ci}(${ps}): T${k} | null {`, `  const v = new T${k}();`, `  v.tag = ${ci};`);
          c.fields.forEach((_f, fi) => o.push(`  v.f${ci}_${fi} = a${fi};`));
          o.push(`  return v;`, `}`);
        });
        // equality and order: constructor index first, then fields in order
        o.push(`function cmp${k}(a: T${k} | null, b: T${k} | null): i32 {`, `  const x = a!, y = b!;`, `  if (x.tag != y.tag) return x.tag - y.tag;`, `  let c = 0;`, `  switch (x.tag) {`);
        d.constructors.forEach((c, ci) => {
          o.push(`    case ${ci}:`);
          c.fields.forEach((f, fi) => o.push(`      c = ${cmpCall(f.type, `x.f${ci}_${fi}`, `y.f${ci}_${fi}`)}; if (c != 0) return c;`));
          o.push(`      break;`);
        });
        o.push(`  }`, `  return 0;`, `}`);
        o.push(`function eq${k}(a: T${k} | null, b: T${k} | null): bool { return cmp${k}(a, b) == 0; }`);
        o.push(`function enc${k}(w: Writer, v: T${k} | null): void {`, `  const x = v!;`, `  w.uint(<u64>x.tag);`, `  switch (x.tag) {`);
        d.constructors.forEach((c, ci) => {
          o.push(`    case ${ci}:`);
          c.fields.forEach((f, fi) => o.push(`      enc${baseOf(f.type).index}(w, x.f${ci}_${fi});`));
          o.push(`      break;`);
        });
        o.push(`  }`, `}`);
        o.push(`function dec${k}(r: Reader): T${k} | null {`, `  const tag = <i32>r.uint();`, `  switch (tag) {`);
        d.constructors.forEach((c, ci) => {
          const args = c.fields.map((f) => `dec${baseOf(f.type).index}(r)`);
          // decode fields in order into locals (argument evaluation order is left to right)
          o.push(`    case ${ci}: return mk${k}_${ci}(${args.join(", ")});`);
        });
        o.push(`  }`, `  return null;`, `}`);
        o.push(`function prn${k}(v: T${k} | null): string {`, `  const x = v!;`, `  switch (x.tag) {`);
        d.constructors.forEach((c, ci) => {
          const name = JSON.stringify(c.name.toUpperCase());
          if (c.fields.length === 0) o.push(`    case ${ci}: return ${name};`);
          else o.push(`    case ${ci}: return ${name} + " (" + ${c.fields.map((f, fi) => `prn${baseOf(f.type).index}(x.f${ci}_${fi})`).join(' + ", " + ')} + ")";`);
        });
        o.push(`  }`, `  return "?";`, `}`);
        // field access by name, across constructors
        const names = new Map<string, { ci: number; fi: number; type: TypeDecl }[]>();
        d.constructors.forEach((c, ci) => c.fields.forEach((f, fi) => {
          const l = names.get(f.name) ?? [];
          l.push({ ci, fi, type: f.type });
          names.set(f.name, l);
        }));
        for (const [name, where] of names) {
          const FT = asType(where[0]!.type);
          o.push(`function get${k}_${name}(v: T${k} | null, err: i32): ${FT} {`, `  const x = v!;`);
          for (const w of where) o.push(`  if (x.tag == ${w.ci}) return x.f${w.ci}_${w.fi};`);
          o.push(`  failText(err, prn${k}(v));`, `  return ${defaultOf(where[0]!.type)};`, `}`);
          o.push(`function set${k}_${name}(v: T${k} | null, a: ${FT}, err: i32): T${k} | null {`, `  const x = v!;`, `  const y = new T${k}();`, `  y.tag = x.tag;`);
          d.constructors.forEach((c, ci) => c.fields.forEach((_f, fi) => o.push(`  y.f${ci}_${fi} = x.f${ci}_${fi};`)));
          const cases = where.map((w) => `x.tag == ${w.ci}`).join(" || ");
          o.push(`  if (!(${cases})) failText(err, prn${k}(v));`);
          for (const w of where) o.push(`  if (x.tag == ${w.ci}) y.f${w.ci}_${w.fi} = a;`);
          o.push(`  return y;`, `}`);
        }
        // enumeration (mixed radix over each constructor's fields)
        if (cardinality(t) >= 0) {
          o.push(`function nth${k}(i: i32): T${k} | null {`);
          for (const [ci, c] of d.constructors.entries()) {
            const sizes = c.fields.map((f) => cardinality(f.type));
            const n = sizes.reduce((a, b) => a * b, 1);
            o.push(`  if (i < ${n}) {`);
            const args: string[] = [];
            let div = 1;
            for (let fi = c.fields.length - 1; fi >= 0; fi--) {
              args[fi] = `nth${baseOf(c.fields[fi]!.type).index}((i / ${div}) % ${sizes[fi]})`;
              div *= sizes[fi]!;
            }
            o.push(`    return mk${k}_${ci}(${args.join(", ")});`, `  }`, `  i -= ${n};`);
          }
          o.push(`  return null;`, `}`);
        }
      }
      break;
    case "list": {
      const E = asType(d.element);
      o.push(
        `class L${k} {`,
        `  h: ${E};`,
        `  t: L${k} | null;`,
        `  constructor(h: ${E}, t: L${k} | null) { this.h = h; this.t = t; }`,
        `}`,
        `function cmp${k}(a: L${k} | null, b: L${k} | null): i32 {`,
        `  let x = a, y = b;`,
        `  while (true) {`,
        `    if (x === null) return y === null ? 0 : -1;`,
        `    if (y === null) return 1;`,
        `    const c = ${cmpCall(d.element, "x.h", "y.h")};`,
        `    if (c != 0) return c;`,
        `    x = x.t; y = y.t;`,
        `  }`,
        `  return 0;`,
        `}`,
        `function eq${k}(a: L${k} | null, b: L${k} | null): bool { return cmp${k}(a, b) == 0; }`,
        `function len${k}(a: L${k} | null): i64 { let n: i64 = 0; let x = a; while (x !== null) { n++; x = x.t; } return n; }`,
        `function enc${k}(w: Writer, v: L${k} | null): void { w.uint(<u64>len${k}(v)); let x = v; while (x !== null) { enc${baseOf(d.element).index}(w, x.h); x = x.t; } }`,
        `function fromArr${k}(xs: Array<${E}>): L${k} | null { let l: L${k} | null = null; for (let i = xs.length - 1; i >= 0; i--) l = new L${k}(xs[i], l); return l; }`,
        `function toArr${k}(l: L${k} | null): Array<${E}> { const xs = new Array<${E}>(); let x = l; while (x !== null) { xs.push(x.h); x = x.t; } return xs; }`,
        `function dec${k}(r: Reader): L${k} | null { const n = <i32>r.uint(); const xs = new Array<${E}>(); for (let i = 0; i < n; i++) xs.push(dec${baseOf(d.element).index}(r)); return fromArr${k}(xs); }`,
        `function prn${k}(v: L${k} | null): string { const xs = toArr${k}(v); let s = ${JSON.stringify(d.nil.name.toUpperCase())}; for (let i = xs.length - 1; i >= 0; i--) s = ${JSON.stringify(d.cons.name.toUpperCase() + " (")} + prn${baseOf(d.element).index}(xs[i]) + ", " + s + ")"; return s; }`,
        `function head${k}(v: L${k} | null, err: i32): ${E} { if (v === null) { fail(err, 0); return ${defaultOf(d.element)}; } return v.h; }`,
        `function tail${k}(v: L${k} | null, err: i32): L${k} | null { if (v === null) { fail(err, 0); return null; } return v.t; }`,
        `function append${k}(e: ${E}, v: L${k} | null): L${k} | null { const xs = toArr${k}(v); xs.push(e); return fromArr${k}(xs); }`,
        `function concat${k}(a: L${k} | null, b: L${k} | null): L${k} | null { const xs = toArr${k}(a); const ys = toArr${k}(b); for (let i = 0; i < ys.length; i++) xs.push(ys[i]); return fromArr${k}(xs); }`,
        `function member${k}(e: ${E}, v: L${k} | null): bool { let x = v; while (x !== null) { if (${cmpCall(d.element, "x.h", "e")} == 0) return true; x = x.t; } return false; }`,
        `function reverse${k}(v: L${k} | null): L${k} | null { let l: L${k} | null = null; let x = v; while (x !== null) { l = new L${k}(x.h, l); x = x.t; } return l; }`,
        `function remove${k}(e: ${E}, v: L${k} | null): L${k} | null { const xs = toArr${k}(v); const ys = new Array<${E}>(); for (let i = 0; i < xs.length; i++) if (${cmpCall(d.element, "xs[i]", "e")} != 0) ys.push(xs[i]); return fromArr${k}(ys); }`,
        `function sortedIns${k}(e: ${E}, v: L${k} | null, unique: bool): L${k} | null { const xs = toArr${k}(v); const ys = new Array<${E}>(); let done = false; for (let i = 0; i < xs.length; i++) { const c = ${cmpCall(d.element, "xs[i]", "e")}; if (!done && c >= 0) { if (!(unique && c == 0)) ys.push(e); done = true; } ys.push(xs[i]); } if (!done) ys.push(e); return fromArr${k}(ys); }`,
        `function nth${k}_(v: L${k} | null, n: i64, err: i32): ${E} { let x = v; let i: i64 = 1; while (x !== null) { if (i == n) return x.h; i++; x = x.t; } fail(err, n); return ${defaultOf(d.element)}; }`,
        `function lastOf${k}(v: L${k} | null, err: i32): ${E} { if (v === null) { fail(err, 0); return ${defaultOf(d.element)}; } let x = v; while (x.t !== null) x = x.t!; return x.h; }`,
      );
      break;
    }
    case "array": {
      const E = asType(d.element);
      const n = Number(d.high - d.low + 1n);
      o.push(
        `function cmp${k}(a: Array<${E}> | null, b: Array<${E}> | null): i32 { const x = a!, y = b!; for (let i = 0; i < x.length; i++) { const c = ${cmpCall(d.element, "x[i]", "y[i]")}; if (c != 0) return c; } return 0; }`,
        `function eq${k}(a: Array<${E}> | null, b: Array<${E}> | null): bool { return cmp${k}(a, b) == 0; }`,
        `function enc${k}(w: Writer, v: Array<${E}> | null): void { const x = v!; for (let i = 0; i < x.length; i++) enc${baseOf(d.element).index}(w, x[i]); }`,
        `function dec${k}(r: Reader): Array<${E}> | null { const x = new Array<${E}>(); for (let i = 0; i < ${n}; i++) x.push(dec${baseOf(d.element).index}(r)); return x; }`,
        `function prn${k}(v: Array<${E}> | null): string { const x = v!; let s = "("; for (let i = 0; i < x.length; i++) { if (i > 0) s += ", "; s += prn${baseOf(d.element).index}(x[i]); } return s + ")"; }`,
        `function fill${k}(e: ${E}): Array<${E}> | null { const x = new Array<${E}>(); for (let i = 0; i < ${n}; i++) x.push(e); return x; }`,
        `function aget${k}(v: Array<${E}> | null, i: i64, err: i32): ${E} { if (i < ${i64Lit(d.low)} || i > ${i64Lit(d.high)}) fail(err, i); return v![<i32>(i - ${i64Lit(d.low)})]; }`,
        `function aset${k}(v: Array<${E}> | null, i: i64, e: ${E}, err: i32): Array<${E}> | null { if (i < ${i64Lit(d.low)} || i > ${i64Lit(d.high)}) fail(err, i); const x = v!.slice(0); x[<i32>(i - ${i64Lit(d.low)})] = e; return x; }`,
      );
      break;
    }
    case "subtype":
      break;
  }
  return o;
}

export function cmpCall(t: TypeDecl, a: string, b: string): string {
  return `cmp${baseOf(t).index}(${a}, ${b})`;
}

export function eqCode(t: TypeDecl, a: string, b: string): string {
  if (isScalar(t)) return `(${a} == ${b})`;
  return `eq${baseOf(t).index}(${a}, ${b})`;
}
