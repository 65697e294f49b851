// The predefined part of LNT: the types bool, nat, int, real, char and string
// with their operators and functions, the exception `unexpected`, and the
// functions each `with` item generates for a user type. Every such function is
// a FunctionDecl whose `builtin` names the operation later stages implement.

import type * as M from "./model.js";
import type * as A from "./ast.js";
import { Msg } from "./diagnostic-messages.js";
import type { Globals } from "./scopes.js";

/** Declares a builtin function and makes it visible under `key` (and aliases). */
export function defineBuiltin(
  g: Globals,
  keys: string | readonly string[],
  params: readonly M.TypeDecl[],
  result: M.TypeDecl | undefined,
  op: M.BuiltinOp,
  type: M.TypeDecl,
  opts: { field?: string; modes?: readonly M.ParamMode[]; register?: boolean } = {},
): M.FunctionDecl {
  const names = typeof keys === "string" ? [keys] : keys;
  const variables: M.VarDecl[] = params.map((t, i) => ({ name: `x${i + 1}`, span: undefined, type: t, index: i }));
  const modes = opts.modes ?? params.map(() => "in" as const);
  const builtin: M.Builtin = opts.field === undefined ? { op, type } : { op, type, field: opts.field };
  const fn: M.FunctionDecl = {
    name: names[0]!,
    span: undefined,
    params: variables.map((v, i) => ({ mode: modes[i]!, variable: v })),
    result,
    exceptions: [],
    requires: [],
    entryCopies: [],
    ensures: [],
    body: undefined,
    builtin,
    variables,
    pragmas: new Map(),
  };
  if (opts.register === false) {
    g.functionList.push(fn);
    return fn;
  }
  let registered = false;
  for (const name of names) {
    const key = name.toLowerCase();
    // A user definition with the same profile wins over a generated one.
    if (g.sameProfile(key, params, result)) continue;
    g.addCallable(key, {
      name,
      params,
      modes,
      paramNames: variables.map((v) => v.name),
      result,
      target: { kind: "fn", fn },
      span: undefined,
    });
    registered = true;
  }
  if (registered) g.functionList.push(fn);
  return fn;
}

function newType(g: Globals, name: string, def: M.TypeDef): M.TypeDecl {
  const t: M.TypeDecl = { name, span: undefined, def, withItems: new Set(), pragmas: new Map(), index: g.typeList.length };
  g.typeList.push(t);
  g.types.set(name, t);
  return t;
}

export interface NumericBounds {
  natMax: bigint;
  intMin: bigint;
  intMax: bigint;
}

/** Reads `!nat_bits`, `!int_bits`, `!nat_sup`, `!int_inf`, `!int_sup` of the modules (later ones win). */
export function numericBounds(modules: readonly A.Module[]): NumericBounds {
  const b: NumericBounds = { natMax: (1n << 32n) - 1n, intMin: -(1n << 31n), intMax: (1n << 31n) - 1n };
  // Root last, so that its pragmas win over the imported modules'.
  for (const mod of [...modules].reverse()) {
    for (const p of mod.pragmas) {
      const v = p.value?.kind === "number" ? parseBig(p.value.text) : undefined;
      if (v === undefined) continue;
      switch (p.name.key) {
        case "nat_bits":
          if (v > 0n && v <= 4096n) b.natMax = (1n << v) - 1n;
          break;
        case "int_bits":
          if (v > 1n && v <= 4096n) {
            b.intMin = -(1n << (v - 1n));
            b.intMax = (1n << (v - 1n)) - 1n;
          }
          break;
        case "nat_sup":
          b.natMax = v;
          break;
        case "int_inf":
          b.intMin = v;
          break;
        case "int_sup":
          b.intMax = v;
          break;
      }
    }
  }
  return b;
}

export function parseBig(text: string): bigint | undefined {
  const t = text.replace(/_/g, "").trim();
  try {
    if (/^-?(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[0-9]+)$/i.test(t)) {
      return t.startsWith("-") ? -BigInt(t.slice(1)) : BigInt(t);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const COMPARISONS: readonly [readonly string[], M.BuiltinOp][] = [
  [["==", "="], "eq"],
  [["!=", "<>"], "ne"],
  [["<"], "lt"],
  [["<="], "le"],
  [[">"], "gt"],
  [[">="], "ge"],
];

/** Creates the predefined types and their functions, and the exception `unexpected`. */
export function declarePredefined(g: Globals, bounds: NumericBounds): M.Predefined {
  const bool = newType(g, "bool", { kind: "bool" });
  const nat = newType(g, "nat", { kind: "nat", max: bounds.natMax });
  const int = newType(g, "int", { kind: "int", min: bounds.intMin, max: bounds.intMax });
  const real = newType(g, "real", { kind: "real" });
  const char = newType(g, "char", { kind: "char" });
  const string = newType(g, "string", { kind: "string" });
  const unexpected: M.GateDecl = { name: "unexpected", span: undefined, channel: "exit", isException: true, index: -1 };
  const predefined: M.Predefined = { bool, nat, int, real, char, string, unexpected };
  g.predefined = predefined;

  for (const value of [false, true]) {
    g.addCallable(String(value), {
      name: String(value), params: [], modes: [], paramNames: [], result: bool, target: { kind: "literal", value }, span: undefined,
    });
  }

  for (const t of [bool, nat, int, real, char, string]) {
    for (const [names, op] of COMPARISONS) defineBuiltin(g, names, [t, t], bool, op, t);
  }

  defineBuiltin(g, "not", [bool], bool, "not", bool);
  for (const op of ["and", "or", "xor", "implies", "iff"] as const) defineBuiltin(g, op, [bool, bool], bool, op, bool);

  for (const t of [nat, int, real]) {
    defineBuiltin(g, "+", [t, t], t, "add", t);
    defineBuiltin(g, "-", [t, t], t, "sub", t);
    defineBuiltin(g, "*", [t, t], t, "mul", t);
    defineBuiltin(g, "**", [t, nat], t, "pow", t);
    defineBuiltin(g, "min", [t, t], t, "min", t);
    defineBuiltin(g, "max", [t, t], t, "max", t);
  }
  for (const t of [nat, int]) {
    defineBuiltin(g, "div", [t, t], t, "div", t);
    defineBuiltin(g, "mod", [t, t], t, "mod", t);
    defineBuiltin(g, "rem", [t, t], t, "rem", t);
    defineBuiltin(g, "succ", [t], t, "succ", t);
    defineBuiltin(g, "pred", [t], t, "pred", t);
  }
  for (const t of [int, real]) {
    defineBuiltin(g, "-", [t], t, "neg", t);
    defineBuiltin(g, "+", [t], t, "pos", t);
    defineBuiltin(g, "abs", [t], t, "abs", t);
    defineBuiltin(g, "sign", [t], int, "sign", t);
  }
  defineBuiltin(g, "/", [real, real], real, "realdiv", real);

  // Conversions between the numeric types (and the identities, so that `nat (1)` is not ambiguous).
  for (const to of [nat, int, real]) {
    for (const from of [nat, int, real]) defineBuiltin(g, to.name, [from], to, "convert", to);
  }
  defineBuiltin(g, "ord", [char], nat, "ord", char);
  defineBuiltin(g, "nat", [char], nat, "ord", char);
  defineBuiltin(g, "char", [nat], char, "val", char);
  defineBuiltin(g, "succ", [char], char, "succ", char);
  defineBuiltin(g, "pred", [char], char, "pred", char);
  for (const op of ["is_digit", "is_lower", "is_upper", "is_alpha", "is_alnum"] as const) defineBuiltin(g, op, [char], bool, op, char);
  for (const op of ["to_lower", "to_upper"] as const) defineBuiltin(g, op, [char], char, op, char);

  defineBuiltin(g, ["&", "concat"], [string, string], string, "concat", string);
  defineBuiltin(g, "length", [string], nat, "length", string);
  defineBuiltin(g, "empty", [string], bool, "empty", string);
  defineBuiltin(g, "nth", [string, nat], char, "nth", string);
  defineBuiltin(g, "prefix", [string, nat], string, "prefix", string);
  defineBuiltin(g, "suffix", [string, nat], string, "suffix", string);
  defineBuiltin(g, "substr", [string, nat, nat], string, "substr", string);
  defineBuiltin(g, "index", [string, string], nat, "index", string);
  return predefined;
}

/** Every item name a `with` clause may hold, for any kind of type. */
const KNOWN_ITEMS = new Set([
  "==", "!=", "=", "<>", "<", "<=", ">", ">=",
  "get", "set", "ord", "val", "first", "last", "succ", "pred", "card",
  "length", "empty", "member", "insert", "remove", "union", "inter", "diff", "append",
  "head", "tail", "nth", "element", "access", "reverse", "delete", "cons", "nil",
]);

/**
 * Generates the functions of the `with` items of `type`. Items of the type's
 * own clause must apply to its kind; module-level items only apply where they
 * make sense (a module-wide `with head` does not give an enumeration a head).
 */
export function generateWith(g: Globals, type: M.TypeDecl, own: readonly A.WithItem[], moduleLevel: readonly A.WithItem[]): void {
  const items = new Set(type.withItems);
  const done = new Set<string>();
  const wanted: { item: A.WithItem; strict: boolean }[] = [
    ...own.map((item) => ({ item, strict: true })),
    ...moduleLevel.map((item) => ({ item, strict: false })),
  ];
  for (const { item, strict } of wanted) {
    const name = item.name;
    if (done.has(name)) continue;
    const ok = KNOWN_ITEMS.has(name) && generateItem(g, type, name);
    if (ok) {
      done.add(name);
      items.add(name);
      (type.withItems as Set<string>).add(name);
    } else if (strict) {
      g.diags.add(Msg.UnknownWithItem, item.span, [name, type.name]);
      done.add(name);
    }
  }
}

/** Module-level items that no type could ever have (reported once, not per type). */
export function checkModuleWithItems(g: Globals, items: readonly A.WithItem[]): void {
  for (const item of items) if (!KNOWN_ITEMS.has(item.name)) g.diags.add(Msg.UnknownWithItem, item.span, [item.name, "any"]);
}

function generateItem(g: Globals, t: M.TypeDecl, name: string): boolean {
  const { bool, nat } = g.predefined;
  const def = t.def;
  const cmp = COMPARISONS.find(([names]) => names.includes(name));
  if (cmp) {
    // Equality brings its negation (and both spellings): `with ==` lets a model write `!=`.
    if (cmp[1] === "eq" || cmp[1] === "ne") {
      defineBuiltin(g, ["==", "="], [t, t], bool, "eq", t);
      defineBuiltin(g, ["!=", "<>"], [t, t], bool, "ne", t);
    } else {
      defineBuiltin(g, cmp[0], [t, t], bool, cmp[1], t);
    }
    return true;
  }
  const enumLike = (def.kind === "constructors" && def.enumeration) || def.kind === "range";
  switch (def.kind) {
    case "constructors": {
      if (name === "get" || name === "set") {
        const fields = new Map<string, M.TypeDecl>();
        for (const c of def.constructors) for (const f of c.fields) if (!fields.has(f.name)) fields.set(f.name, f.type);
        for (const [f, ft] of fields) {
          if (name === "get") defineBuiltin(g, `get_${f}`, [t], ft, "get_field", t, { field: f });
          else defineBuiltin(g, `set_${f}`, [t, ft], t, "set_field", t, { field: f });
        }
        return true;
      }
      break;
    }
    case "list": {
      const e = def.element;
      switch (name) {
        case "length": defineBuiltin(g, "length", [t], nat, "length", t); return true;
        case "card": defineBuiltin(g, "card", [t], nat, "length", t); return true;
        case "empty":
          // Both the test `empty (l)` and the constant `empty` (the empty list) are in use.
          defineBuiltin(g, "empty", [t], bool, "empty", t);
          defineBuiltin(g, "empty", [], t, "empty", t);
          return true;
        case "member": defineBuiltin(g, "member", [e, t], bool, "member", t); return true;
        case "insert": defineBuiltin(g, "insert", [e, t], t, "insert", t); return true;
        case "remove": defineBuiltin(g, "remove", [e, t], t, "remove", t); return true;
        case "union": case "inter": case "diff": defineBuiltin(g, name, [t, t], t, name, t); return true;
        case "append": defineBuiltin(g, "append", [e, t], t, "append", t); return true;
        case "head": defineBuiltin(g, "head", [t], e, "head", t); return true;
        case "tail": defineBuiltin(g, "tail", [t], t, "tail", t); return true;
        case "last": defineBuiltin(g, "last", [t], e, "last_element", t); return true;
        case "nth": case "element": case "access": defineBuiltin(g, name, [t, nat], e, "nth", t); return true;
        case "reverse": defineBuiltin(g, "reverse", [t], t, "reverse", t); return true;
        case "delete": defineBuiltin(g, "delete", [e, t], t, "delete", t); return true;
        case "cons": case "nil": return true; // always there as constructors
      }
      break;
    }
    case "array": {
      if (name === "get") { defineBuiltin(g, "get", [t, nat], def.element, "array_get", t); return true; }
      if (name === "set") { defineBuiltin(g, "set", [t, nat, def.element], t, "array_set", t); return true; }
      break;
    }
    default:
      break;
  }
  if (enumLike) {
    switch (name) {
      case "ord": defineBuiltin(g, "ord", [t], nat, "ord", t); return true;
      case "val": defineBuiltin(g, "val", [nat], t, "val", t); return true;
      case "first": defineBuiltin(g, "first", [], t, "first", t); return true;
      case "last": defineBuiltin(g, "last", [], t, "last", t); return true;
      case "succ": defineBuiltin(g, "succ", [t], t, "succ", t); return true;
      case "pred": defineBuiltin(g, "pred", [t], t, "pred", t); return true;
      case "card": defineBuiltin(g, "card", [], nat, "card", t); return true;
    }
  }
  return false;
}

/** Functions every type of a given kind has, `with` or not. */
export function generateIntrinsic(g: Globals, t: M.TypeDecl): void {
  const def = t.def;
  if (def.kind === "array") {
    // `T (v)` fills the array; `X[I] := E` is lowered to array_set.
    defineBuiltin(g, t.name, [def.element], t, "fill", t);
    g.arraySetters.set(t, defineBuiltin(g, "set", [t, g.predefined.nat, def.element], t, "array_set", t, { register: false }));
  } else if (def.kind === "range" || def.kind === "subtype") {
    // A range value converts to its base type and back (`nat (x)`, `R (n)`).
    const base = def.base;
    defineBuiltin(g, base.name, [t], base, "convert", base);
    const numeric = base.def.kind === "nat" || base.def.kind === "int";
    if (numeric && base !== g.predefined.int) defineBuiltin(g, "int", [t], g.predefined.int, "convert", g.predefined.int);
    if (numeric && base !== g.predefined.nat) defineBuiltin(g, "nat", [t], g.predefined.nat, "convert", g.predefined.nat);
    defineBuiltin(g, t.name, [base], t, "convert", t);
  }
}
