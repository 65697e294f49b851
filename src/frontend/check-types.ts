// Type and channel definitions: declares every user type, resolves type
// bodies (constructors and their fields, lists, arrays and ranges with
// evaluated constant bounds, subtypes) and channel profiles.

import type * as A from "./ast.js";
import type * as M from "./model.js";
import { Msg } from "./diagnostic-messages.js";
import type { Globals } from "./scopes.js";
import { MAX_DEPTH } from "./parser-core.js";
import { parseBig, generateIntrinsic, generateWith, checkModuleWithItems } from "./builtins.js";

export function declaredHere(span: A.Ident["span"] | undefined): { message: string; span: A.Ident["span"] }[] {
  return span ? [{ message: "declared here", span }] : [];
}

/** Looks up a type by name, reporting it when undeclared. */
export function lookupType(g: Globals, name: A.Ident): M.TypeDecl | undefined {
  const t = g.types.get(name.key);
  if (!t) g.diags.add(Msg.UndeclaredType, name.span, [name.text]);
  return t;
}

const PLACEHOLDER: M.TypeDef = { kind: "bool" };

/** Pass 1: a TypeDecl shell per user type, so that bodies may refer to any type. */
export function declareTypes(g: Globals, modules: readonly A.Module[]): Map<M.TypeDecl, { def: A.TypeDef; module: A.Module }> {
  const out = new Map<M.TypeDecl, { def: A.TypeDef; module: A.Module }>();
  for (const mod of modules) {
    for (const d of mod.definitions) {
      if (d.kind !== "type") continue;
      const old = g.types.get(d.name.key);
      if (old) {
        g.diags.add(Msg.Duplicate, d.name.span, ["type", d.name.text], declaredHere(old.span));
        continue;
      }
      const t: M.TypeDecl = {
        name: d.name.text,
        span: d.name.span,
        def: PLACEHOLDER,
        withItems: new Set(),
        pragmas: pragmaMap(d.pragmas),
        index: g.typeList.length,
      };
      g.types.set(d.name.key, t);
      g.typeList.push(t);
      out.set(t, { def: d, module: mod });
      g.origin.set(t, mod.name.key);
    }
  }
  return out;
}

export function pragmaMap(pragmas: readonly A.Pragma[]): Map<string, string | number | true> {
  const m = new Map<string, string | number | true>();
  for (const p of pragmas) {
    const v = p.value;
    if (!v) m.set(p.name.key, true);
    else if (v.kind === "number") m.set(p.name.key, Number(v.text));
    else if (v.kind === "string") m.set(p.name.key, v.value);
    else m.set(p.name.key, v.ident.text);
  }
  return m;
}

/** Evaluates a constant bound: literals, unary minus, + - * div mod **. */
export function constValue(g: Globals, e: A.Expr, depth = 0): bigint | undefined {
  const fail = (): undefined => {
    g.diags.add(Msg.NotConstant, e.span);
    return undefined;
  };
  if (depth > MAX_DEPTH) {
    g.diags.add(Msg.TooDeep, e.span, [MAX_DEPTH]);
    return undefined;
  }
  switch (e.kind) {
    case "number": {
      const v = parseBig(e.text);
      return v === undefined ? fail() : v;
    }
    case "paren":
      return constValue(g, e.expr, depth + 1);
    case "of":
      return constValue(g, e.expr, depth + 1);
    case "unary": {
      const v = constValue(g, e.operand, depth + 1);
      if (v === undefined) return undefined;
      if (e.op.key === "-") return -v;
      if (e.op.key === "+") return v;
      return fail();
    }
    case "binary": {
      const a = constValue(g, e.left, depth + 1);
      if (a === undefined) return undefined;
      const b = constValue(g, e.right, depth + 1);
      if (b === undefined) return undefined;
      switch (e.op.key) {
        case "+": return a + b;
        case "-": return a - b;
        case "*": return a * b;
        case "div": return b === 0n ? fail() : a / b;
        case "mod": return b === 0n ? fail() : ((a % b) + b) % b;
        case "rem": return b === 0n ? fail() : a % b;
        case "**": return b < 0n || b > 4096n ? fail() : a ** b;
        default: return fail();
      }
    }
    default:
      return fail();
  }
}

/** Pass 2: resolves each type body; registers constructors (and nil/cons of lists). */
export function resolveTypeBodies(g: Globals, shells: Map<M.TypeDecl, { def: A.TypeDef; module: A.Module }>): void {
  for (const [t, { def }] of shells) {
    const body = def.body;
    switch (body.kind) {
      case "constructors": {
        const ctors: M.CtorDecl[] = [];
        body.constructors.forEach((c) => {
          const fields: M.FieldDecl[] = [];
          const fieldSeen = new Map<string, A.Ident>();
          for (const f of c.fields) {
            const ft = lookupType(g, f.type) ?? g.predefined.bool;
            for (const n of f.names) {
              const fp = fieldSeen.get(n.key);
              if (fp) g.diags.add(Msg.Duplicate, n.span, ["field", n.text], declaredHere(fp.span));
              fieldSeen.set(n.key, n);
              fields.push({ name: n.text, type: ft });
            }
          }
          // Constructors of one type may share a name if their fields differ (`Halt`, `Halt (code)`).
          const prev = g.sameProfile(c.name.key, fields.map((f) => f.type), t);
          if (prev) {
            g.diags.add(Msg.Duplicate, c.name.span, ["constructor", c.name.text], declaredHere(prev.span));
            return;
          }
          const ctor: M.CtorDecl = { name: c.name.text, span: c.name.span, type: t, fields, index: ctors.length };
          ctors.push(ctor);
          g.addCallable(c.name.key, {
            name: c.name.text,
            params: fields.map((f) => f.type),
            modes: fields.map(() => "in" as const),
            paramNames: fields.map((f) => f.name),
            result: t,
            target: { kind: "ctor", ctor },
            span: c.name.span,
          });
        });
        t.def = { kind: "constructors", constructors: ctors, enumeration: ctors.every((c) => c.fields.length === 0) };
        break;
      }
      case "list": {
        const element = lookupType(g, body.element) ?? g.predefined.bool;
        const nil: M.CtorDecl = { name: "nil", span: undefined, type: t, fields: [], index: 0 };
        const cons: M.CtorDecl = {
          name: "cons", span: undefined, type: t, fields: [{ name: "head", type: element }, { name: "tail", type: t }], index: 1,
        };
        t.def = { kind: "list", element, set: body.set, sorted: body.sorted, nil, cons };
        g.addCallable("nil", { name: "nil", params: [], modes: [], paramNames: [], result: t, target: { kind: "ctor", ctor: nil }, span: undefined });
        g.addCallable("cons", {
          name: "cons", params: [element, t], modes: ["in", "in"], paramNames: ["head", "tail"], result: t, target: { kind: "ctor", ctor: cons }, span: undefined,
        });
        break;
      }
      case "array": {
        const element = lookupType(g, body.element) ?? g.predefined.bool;
        const low = constValue(g, body.low) ?? 0n;
        const high = constValue(g, body.high) ?? 0n;
        if (low > high || low < 0n) g.diags.add(Msg.InvalidBounds, body.span, [String(low), String(high)]);
        t.def = { kind: "array", element, low, high };
        break;
      }
      case "range": {
        const base = lookupType(g, body.base) ?? g.predefined.nat;
        const low = constValue(g, body.low) ?? 0n;
        const high = constValue(g, body.high) ?? 0n;
        if (base !== g.predefined.nat && base !== g.predefined.int) {
          g.diags.add(Msg.TypeMismatch, body.base.span, ["nat or int", base.name]);
        } else if (low > high || (base === g.predefined.nat && low < 0n)) {
          g.diags.add(Msg.InvalidBounds, body.span, [String(low), String(high)]);
        }
        t.def = { kind: "range", base, low, high };
        break;
      }
      case "subtype": {
        const base = lookupType(g, body.base) ?? g.predefined.nat;
        // The predicate is checked later, once functions are known (see checker.ts).
        const variable: M.VarDecl = { name: body.variable.text, span: body.variable.span, type: base, index: 0 };
        t.def = { kind: "subtype", base, variable, predicate: undefined };
        break;
      }
    }
  }
}

/** Pass 3 (after user functions are declared): `with` functions and intrinsic ones. */
export function generateTypeFunctions(g: Globals, shells: Map<M.TypeDecl, { def: A.TypeDef; module: A.Module }>, modules: readonly A.Module[]): void {
  for (const m of modules) checkModuleWithItems(g, m.withItems);
  for (const [t, { def, module }] of shells) {
    generateIntrinsic(g, t);
    generateWith(g, t, def.withItems, module.withItems);
  }
}

function gateChannelName(c: M.GateChannel): string {
  return typeof c === "string" ? c : c.name;
}
export { gateChannelName };

/** Declares every channel with its profiles. */
export function declareChannels(g: Globals, modules: readonly A.Module[]): void {
  for (const mod of modules) {
    for (const d of mod.definitions) {
      if (d.kind !== "channel") continue;
      const old = g.channels.get(d.name.key);
      if (old || ["any", "none", "exit"].includes(d.name.key)) {
        g.diags.add(Msg.Duplicate, d.name.span, ["channel", d.name.text], declaredHere(old?.span));
        continue;
      }
      const profiles: M.ProfileField[][] = d.profiles.map((p) => {
        const fields: M.ProfileField[] = [];
        for (const item of p.items) {
          const type = lookupType(g, item.type) ?? g.predefined.bool;
          if (item.names.length === 0) fields.push({ name: undefined, type });
          else for (const n of item.names) fields.push({ name: n.text, type });
        }
        return fields;
      });
      const c: M.ChannelDecl = { name: d.name.text, span: d.name.span, profiles };
      g.channels.set(d.name.key, c);
      g.channelList.push(c);
      g.origin.set(c, mod.name.key);
    }
  }
}

/** The channel of a gate declaration: a declared channel, or `any` / `none` / `exit`. */
export function resolveGateChannel(g: Globals, name: A.Ident): M.GateChannel | undefined {
  if (name.key === "any" || name.key === "none" || name.key === "exit") return name.key;
  const c = g.channels.get(name.key);
  if (!c) g.diags.add(Msg.UndeclaredChannel, name.span, [name.text]);
  return c;
}
