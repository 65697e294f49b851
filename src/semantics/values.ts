// Run-time values of the reference interpreter: their representation,
// equality, order, the canonical serialisation used in state keys, the
// enumeration of finite types, and the label printer (values as CADP prints
// them).
//
// Values carry no type tag: every place that holds one knows its static type
// (the checked model types every expression, pattern and variable), so the
// printer and the enumerator are type-directed. Representations are
// canonical, so that equal values always serialise to equal keys:
// - bool: boolean; nat, int and range values: number when a safe integer,
//   bigint beyond (never a bigint that would fit in a number); real: number;
// - char: a one-character string; string: string;
// - free constructors: CtorValue (a constructor without fields is one shared
//   object per constructor); lists, sets and arrays: frozen JS arrays (a set
//   is kept sorted and without duplicates).

import type { CtorDecl, TypeDecl } from "../frontend/model.js";
import type { Span } from "../frontend/source.js";
import type { DiagnosticMessage } from "../frontend/diagnostic-messages.js";

export interface CtorValue {
  readonly c: CtorDecl;
  readonly a: readonly Value[];
}

export type Value = boolean | number | bigint | string | CtorValue | readonly Value[];

/** A run-time error of the model: the CLI reports it as a diagnostic at `span`. */
export class LntRuntimeError extends Error {
  constructor(
    readonly msg: DiagnosticMessage,
    readonly span: Span | undefined,
    readonly args: readonly (string | number)[] = [],
  ) {
    super(`${msg.code}`);
  }
}

// ---------------------------------------------------------------------------
// Constructors

const constants = new WeakMap<CtorDecl, CtorValue>();

export function makeCtor(c: CtorDecl, a: readonly Value[]): CtorValue {
  if (a.length === 0) {
    let v = constants.get(c);
    if (!v) {
      v = { c, a: [] };
      constants.set(c, v);
    }
    return v;
  }
  return { c, a };
}

export function isCtor(v: Value): v is CtorValue {
  return typeof v === "object" && !Array.isArray(v);
}

// ---------------------------------------------------------------------------
// Integers: numbers when safe, bigints beyond

export function normInt(v: bigint | number): number | bigint {
  if (typeof v === "number") return v;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

export function toBig(v: Value): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  throw new TypeError("not an integer");
}

/** Integer bounds of a type, or undefined when it has none (real, ...). */
export function intBounds(t: TypeDecl): { lo: bigint; hi: bigint } | undefined {
  const d = t.def;
  switch (d.kind) {
    case "nat":
      return { lo: 0n, hi: d.max };
    case "int":
      return { lo: d.min, hi: d.max };
    case "range":
      return { lo: d.low, hi: d.high };
    case "subtype":
      return intBounds(d.base);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// Equality and order

export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) return false;
    const x = a as readonly Value[];
    const y = b as readonly Value[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equals(x[i]!, y[i]!)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as CtorValue;
  const y = b as CtorValue;
  if (x.c !== y.c || x.a.length !== y.a.length) return false;
  for (let i = 0; i < x.a.length; i++) if (!equals(x.a[i]!, y.a[i]!)) return false;
  return true;
}

/** A total order: numbers numerically, false < true, constructors by declaration order then fields, sequences lexicographically. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    const x = a as readonly Value[];
    const y = b as readonly Value[];
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const c = compare(x[i]!, y[i]!);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (isCtor(a) && isCtor(b)) {
    if (a.c !== b.c) return a.c.index - b.c.index;
    for (let i = 0; i < a.a.length; i++) {
      const c = compare(a.a[i]!, b.a[i]!);
      if (c !== 0) return c;
    }
    return 0;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Canonical serialisation for state keys. Every encoding is self-delimiting,
// so encodings can be concatenated.

const ctorIds = new WeakMap<CtorDecl, number>();
let nextCtorId = 0;
function ctorId(c: CtorDecl): number {
  let id = ctorIds.get(c);
  if (id === undefined) {
    id = nextCtorId++;
    ctorIds.set(c, id);
  }
  return id;
}

export function keyOf(v: Value | undefined): string {
  switch (typeof v) {
    case "number":
      return `${v};`;
    case "boolean":
      return v ? "T" : "F";
    case "undefined":
      return "_";
    case "bigint":
      return `n${v};`;
    case "string":
      return `s${v.length}:${v}`;
    default:
      break;
  }
  if (Array.isArray(v)) {
    let s = "[";
    for (const x of v as readonly Value[]) s += keyOf(x);
    return s + "]";
  }
  const c = v as CtorValue;
  if (c.a.length === 0) return `#${ctorId(c.c)};`;
  let s = `#${ctorId(c.c)}(`;
  for (const x of c.a) s += keyOf(x);
  return s + ")";
}

// ---------------------------------------------------------------------------
// Enumeration of finite types (value negotiation, `X := any T`)

/** Above this many values a type counts as infinite for enumeration. */
export const ENUM_LIMIT = 1 << 16;

const enumCache = new WeakMap<TypeDecl, readonly Value[] | null>();

/**
 * Every value of a finite type, in order; undefined for a type that is
 * infinite or too large to enumerate (nat, int, real, string, lists, ...).
 * `predicate` decides membership of a predicate subtype.
 */
export function enumerate(t: TypeDecl, predicate: (t: TypeDecl, v: Value) => boolean): readonly Value[] | undefined {
  const hit = enumCache.get(t);
  if (hit !== undefined) return hit ?? undefined;
  enumCache.set(t, null); // guards against recursive types
  const r = enumerateUncached(t, predicate);
  enumCache.set(t, r ?? null);
  return r;
}

function enumerateUncached(t: TypeDecl, predicate: (t: TypeDecl, v: Value) => boolean): readonly Value[] | undefined {
  const d = t.def;
  switch (d.kind) {
    case "bool":
      return [false, true];
    case "range": {
      if (d.high - d.low + 1n > BigInt(ENUM_LIMIT)) return undefined;
      const out: Value[] = [];
      for (let x = d.low; x <= d.high; x++) out.push(normInt(x));
      return out;
    }
    case "char": {
      const out: Value[] = [];
      for (let x = 0; x < 256; x++) out.push(String.fromCharCode(x));
      return out;
    }
    case "constructors": {
      const out: Value[] = [];
      for (const c of d.constructors) {
        let partial: Value[][] = [[]];
        for (const f of c.fields) {
          const dom = enumerate(f.type, predicate);
          if (!dom) return undefined;
          const next: Value[][] = [];
          for (const p of partial) for (const v of dom) next.push([...p, v]);
          if (next.length + out.length > ENUM_LIMIT) return undefined;
          partial = next;
        }
        for (const p of partial) out.push(makeCtor(c, p));
        if (out.length > ENUM_LIMIT) return undefined;
      }
      return out;
    }
    case "subtype": {
      const base = enumerate(d.base, predicate);
      if (!base) return undefined;
      return base.filter((v) => predicate(t, v));
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// Printing values and labels as CADP does

function quote(s: string, q: string): string {
  let out = q;
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch === q || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (code < 32 || code === 127) out += "\\" + code.toString(8).padStart(3, "0");
    else out += ch;
  }
  return out + q;
}

function printReal(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return `${x}.0`;
  return String(x).toUpperCase();
}

/** A value as CADP prints it in a label: upper-case constructors, quoted strings, TRUE/FALSE. */
export function printValue(v: Value | undefined, t: TypeDecl): string {
  if (v === undefined) return "?";
  const d = t.def;
  switch (d.kind) {
    case "bool":
      return v ? "TRUE" : "FALSE";
    case "real":
      return printReal(v as number);
    case "char":
      return quote(v as string, "'");
    case "string":
      return quote(v as string, '"');
    case "nat":
    case "int":
    case "range":
      return String(v);
    case "subtype":
      return printValue(v, d.base);
    case "constructors": {
      const c = v as CtorValue;
      const name = c.c.name.toUpperCase();
      if (c.a.length === 0) return name;
      return `${name} (${c.a.map((x, i) => printValue(x, c.c.fields[i]!.type)).join(", ")})`;
    }
    case "list": {
      const xs = v as readonly Value[];
      let s = d.nil.name.toUpperCase();
      const cons = d.cons.name.toUpperCase();
      for (let i = xs.length - 1; i >= 0; i--) s = `${cons} (${printValue(xs[i], d.element)}, ${s})`;
      return s;
    }
    case "array": {
      const xs = v as readonly Value[];
      return `(${xs.map((x) => printValue(x, d.element)).join(", ")})`;
    }
  }
}

export function formatLabel(gate: string, values: readonly Value[], types: readonly TypeDecl[]): string {
  let s = gate.toUpperCase();
  for (let i = 0; i < values.length; i++) s += ` !${printValue(values[i], types[i]!)}`;
  return s;
}


