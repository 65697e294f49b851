// Namespaces of the checker: the global tables (types, functions and
// constructors, channels, processes) shared by every module, and the lexical
// scopes (variables, gates, loop labels) of one function or process body.
// Identifiers are case-insensitive, so every table is keyed by `Ident.key`.

import type { Span } from "./source.js";
import type { DiagnosticBag } from "./diagnostics.js";
import type * as M from "./model.js";
import type * as A from "./ast.js";

/**
 * One overload of a name in the function namespace: a user or builtin
 * function, a constructor, or one of the literals `true` / `false`.
 */
export interface Callable {
  readonly name: string;
  readonly params: readonly M.TypeDecl[];
  readonly modes: readonly M.ParamMode[];
  /** Parameter / field names, for named associations `f -> E`. */
  readonly paramNames: readonly string[];
  /** Undefined for a procedure. */
  readonly result: M.TypeDecl | undefined;
  readonly target:
    | { readonly kind: "fn"; readonly fn: M.FunctionDecl }
    | { readonly kind: "ctor"; readonly ctor: M.CtorDecl }
    | { readonly kind: "literal"; readonly value: boolean };
  readonly span: Span | undefined;
}

/** The whole program's global tables; every module's definitions are visible everywhere. */
export class Globals {
  readonly types = new Map<string, M.TypeDecl>();
  readonly typeList: M.TypeDecl[] = [];
  readonly functions = new Map<string, Callable[]>();
  readonly functionList: M.FunctionDecl[] = [];
  readonly channels = new Map<string, M.ChannelDecl>();
  readonly channelList: M.ChannelDecl[] = [];
  readonly processes = new Map<string, M.ProcessDecl>();
  readonly processList: M.ProcessDecl[] = [];
  /** Set once the predefined types exist. */
  predefined!: M.Predefined;
  /** The module (key) that defines each user type, channel, function and process. */
  readonly origin = new Map<M.TypeDecl | M.ChannelDecl | M.FunctionDecl | M.ProcessDecl, string>();
  /** Per array type: the `array_set` function that `X[I] := E` is lowered to. */
  readonly arraySetters = new Map<M.TypeDecl, M.FunctionDecl>();

  constructor(public diags: DiagnosticBag) {}

  private ranges: M.TypeDecl[] | undefined;
  private collections: M.TypeDecl[] | undefined;

  /** Range types, which number literals may have (computed once type bodies are resolved). */
  rangeTypes(): readonly M.TypeDecl[] {
    return (this.ranges ??= this.typeList.filter((t) => t.def.kind === "range"));
  }

  /** List, set and array types, which `{...}` literals may have. */
  collectionTypes(): readonly M.TypeDecl[] {
    return (this.collections ??= this.typeList.filter((t) => t.def.kind === "list" || t.def.kind === "array"));
  }

  /** Overloads by name and profile, so that duplicate checks stay linear. */
  private readonly byProfile = new Map<string, Callable>();

  private static profileKey(key: string, params: readonly M.TypeDecl[], result: M.TypeDecl | undefined): string {
    return `${key}(${params.map((p) => p.index).join(",")})${result ? result.index : ""}`;
  }

  addCallable(key: string, c: Callable): void {
    const list = this.functions.get(key);
    if (list) list.push(c);
    else this.functions.set(key, [c]);
    const pk = Globals.profileKey(key, c.params, c.result);
    if (!this.byProfile.has(pk)) this.byProfile.set(pk, c);
  }

  callables(key: string): readonly Callable[] {
    return this.functions.get(key) ?? [];
  }

  /** An existing overload with the same parameter and result types, if any. */
  sameProfile(key: string, params: readonly M.TypeDecl[], result: M.TypeDecl | undefined): Callable | undefined {
    return this.byProfile.get(Globals.profileKey(key, params, result));
  }
}

/** A chain of frames: inner declarations hide outer ones of the same key. */
export class Scope<T> {
  private readonly frames: Map<string, T>[] = [new Map()];

  push(): void {
    this.frames.push(new Map());
  }

  pop(): void {
    this.frames.pop();
  }

  /** Declares in the innermost frame; returns the previous declaration in that frame, if any. */
  declare(key: string, value: T): T | undefined {
    const top = this.frames[this.frames.length - 1]!;
    const old = top.get(key);
    top.set(key, value);
    return old;
  }

  lookup(key: string): T | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const v = this.frames[i]!.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** Every visible declaration, inner ones first. */
  all(): T[] {
    const seen = new Set<string>();
    const out: T[] = [];
    for (let i = this.frames.length - 1; i >= 0; i--) {
      for (const [k, v] of this.frames[i]!) {
        if (!seen.has(k)) {
          seen.add(k);
          out.push(v);
        }
      }
    }
    return out;
  }
}

/** Entries of the loop-label stack; a `par` entry stops `break` from crossing it. */
export type LabelEntry = { readonly kind: "loop"; readonly key: string; readonly label: M.LoopLabel } | { readonly kind: "par" };

/** The state of checking one function or process body (or a global expression). */
export class BodyContext {
  readonly vars = new Scope<M.VarDecl>();
  readonly gates = new Scope<M.GateDecl>();
  readonly labels: LabelEntry[] = [];
  readonly paramModes = new Map<M.VarDecl, M.ParamMode>();
  private nextLabel = 0;
  /** Exceptions declared by `trap` in a function (indexed after its exception formals). */
  trapGates = 0;
  /** Checks that gave up after reporting an error; the driver cross-checks them against the bag. */
  failures = 0;
  /** Where the first of them was. */
  firstFailure: Span | undefined;
  /** Possible types of expressions and patterns, computed once per syntax node. */
  readonly possCache = new WeakMap<object, unknown>();
  /** True while the unit's `ensure` clauses are checked: only there may `X.in` / `X.out` appear. */
  inEnsure = false;
  /** The hidden variable holding each parameter's entry value, for `X.in`. */
  readonly entryCopies = new Map<M.VarDecl, M.VarDecl>();

  constructor(
    readonly g: Globals,
    readonly owner:
      | { readonly kind: "function"; readonly decl: M.FunctionDecl; readonly name: string }
      | { readonly kind: "process"; readonly decl: M.ProcessDecl; readonly name: string }
      | { readonly kind: "global" },
    /** The owner's variable list (parameters first), extended by each local. */
    readonly variables: M.VarDecl[],
    /** What `use X` / `access G` named. */
    readonly silenced: Set<M.VarDecl | M.GateDecl>,
  ) {}

  get diags(): DiagnosticBag {
    return this.g.diags;
  }

  get inFunction(): boolean {
    return this.owner.kind === "function";
  }

  newVariable(name: A.Ident, type: M.TypeDecl): M.VarDecl {
    const v: M.VarDecl = { name: name.text, span: name.span, type, index: this.variables.length };
    this.variables.push(v);
    return v;
  }

  /** The hidden variable that keeps parameter `param`'s value at entry (one per parameter). */
  entryCopy(param: M.VarDecl): M.VarDecl {
    let c = this.entryCopies.get(param);
    if (!c) {
      // `.in` in its name: never a source identifier, so never found by a lookup;
      // no span: made up by the checker, never reported unused.
      c = { name: `${param.name}.in`, span: undefined, type: param.type, index: this.variables.length };
      this.variables.push(c);
      this.entryCopies.set(param, c);
    }
    return c;
  }

  newLabel(name: A.Ident): M.LoopLabel {
    return { name: name.text, id: this.nextLabel++ };
  }
}
