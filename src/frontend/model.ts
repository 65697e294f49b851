// The checked model: what the front end hands to every later stage (the
// reference interpreter, the task extraction, the Wasm backend).
//
// Its shape is a promise to those stages:
// - Every name is resolved: an expression, pattern or statement points at its
//   declaration object (VarDecl, FunctionDecl, CtorDecl, GateDecl, ...), never
//   at a string. Overloading is resolved. `G (...)` is a Comm, a ProcCall or a
//   Call, never ambiguous.
// - Every expression and pattern carries its type (a TypeDecl).
// - Sugar is gone: `only if` is an `if` whose missing else is `stop`;
//   `X[I] := E` and `X.f := E` are assignments of an updated value; `E of T`
//   into the same type disappears, into a range or subtype is a Convert; `use`
//   and `access` are gone; `eval` is gone; `select` is `alt`; a `for` keeps
//   its parts; `in` actuals and emitted offers are Exprs.
// - Each FunctionDecl and ProcessDecl lists all its variables (parameters and
//   locals) with a dense index, so that a stage can keep a frame as an array.
//   Each ProcessDecl lists its gates (formals; `hide` declares more, listed in
//   `hiddenGates`).
// - The model is only produced when the front end found no error.
//
// Nothing here refers to the syntax tree: spans point at the source text only.

import type { Span } from "./source.js";

// ---------------------------------------------------------------------------
// Types

export interface TypeDecl {
  readonly name: string;
  /** Undefined for predefined types. */
  readonly span: Span | undefined;
  def: TypeDef;
  /** The `with` functions requested (normalised names: `==`, `get`, `head`, ...). */
  readonly withItems: ReadonlySet<string>;
  /** Type pragmas, e.g. `card` -> 48000, `bits` -> 8, `implementedby` -> "F". */
  readonly pragmas: ReadonlyMap<string, string | number | true>;
  /** Dense index over the model's types. */
  readonly index: number;
}

export type NumericKind = "nat" | "int";

export type TypeDef =
  | { readonly kind: "bool" }
  /** Naturals in [0, max]; max from `!nat_bits` / `!nat_sup`. */
  | { readonly kind: "nat"; readonly max: bigint }
  /** Integers in [min, max]; from `!int_bits` / `!int_inf` / `!int_sup`. */
  | { readonly kind: "int"; readonly min: bigint; readonly max: bigint }
  | { readonly kind: "real" }
  | { readonly kind: "char" }
  | { readonly kind: "string" }
  /** Free constructors. `enumeration` when no constructor has fields. */
  | { readonly kind: "constructors"; readonly constructors: readonly CtorDecl[]; readonly enumeration: boolean }
  /**
   * `list of T`, `set of T`, `sorted list of T`, `sorted set of T`. Every such
   * type has the two constructors `nil` and `cons (head, tail)`, which
   * patterns use; a set holds no duplicates; sorted kinds keep ascending order.
   */
  | { readonly kind: "list"; readonly element: TypeDecl; readonly set: boolean; readonly sorted: boolean; readonly nil: CtorDecl; readonly cons: CtorDecl }
  /** `array [low .. high] of T`; bounds are checked constants. */
  | { readonly kind: "array"; readonly element: TypeDecl; readonly low: bigint; readonly high: bigint }
  /** `range low .. high of T` with T nat or int; bounds are checked constants. */
  | { readonly kind: "range"; readonly base: TypeDecl; readonly low: bigint; readonly high: bigint }
  /** `X: T where P` (predicate subtype; no predicate: derived type). */
  | { readonly kind: "subtype"; readonly base: TypeDecl; readonly variable: VarDecl; readonly predicate: Expr | undefined };

export interface CtorDecl {
  readonly name: string;
  readonly span: Span | undefined;
  readonly type: TypeDecl;
  readonly fields: readonly FieldDecl[];
  /** Position among its type's constructors: the order `<` and `ord` use. */
  readonly index: number;
}

export interface FieldDecl {
  readonly name: string;
  readonly type: TypeDecl;
}

// ---------------------------------------------------------------------------
// Channels and gates

export interface ChannelDecl {
  readonly name: string;
  readonly span: Span | undefined;
  /** Each profile is the list of offer types, with field names where given. */
  readonly profiles: readonly (readonly ProfileField[])[];
}
export interface ProfileField {
  readonly name: string | undefined;
  readonly type: TypeDecl;
}

/**
 * `any` accepts any offers (not type-checked against a profile); `none`
 * takes no offers; `exit` marks an exception.
 */
export type GateChannel = ChannelDecl | "any" | "none" | "exit";

export interface GateDecl {
  readonly name: string;
  readonly span: Span | undefined;
  readonly channel: GateChannel;
  /** Gates are exceptions too (`raise E`, `[E: exit]`). */
  readonly isException: boolean;
  /**
   * Index within the owning process's `gates` ++ `hiddenGates`, or within a
   * function's exceptions (a function's `trap` exceptions come after them);
   * -1 for the predefined `unexpected`.
   */
  readonly index: number;
}

// ---------------------------------------------------------------------------
// Variables, parameters, functions, processes

export interface VarDecl {
  readonly name: string;
  readonly span: Span | undefined;
  readonly type: TypeDecl;
  /** Dense index in the owning function's or process's `variables`. */
  readonly index: number;
}

export type ParamMode = "in" | "out" | "in out" | "in var";

export interface ParamDecl {
  readonly mode: ParamMode;
  readonly variable: VarDecl;
}

/**
 * A function, a predefined operator, or one generated by a `with` clause.
 * Exactly one of `body` (user code) and `builtin` is set, except for an
 * `!external` function with no body, which stages report as unsupported.
 */
export interface FunctionDecl {
  readonly name: string;
  readonly span: Span | undefined;
  readonly params: readonly ParamDecl[];
  /** Undefined for a procedure (called as a statement). */
  readonly result: TypeDecl | undefined;
  readonly exceptions: readonly GateDecl[];
  readonly requires: readonly Expr[];
  readonly ensures: readonly Expr[];
  /** The parameters whose entry value an `ensure` reads (`X.in`): copied at entry. */
  readonly entryCopies: readonly EntryCopy[];
  body: Stmt | undefined;
  readonly builtin: Builtin | undefined;
  /** Parameters first (in order), then every local, each with its index. */
  readonly variables: VarDecl[];
  readonly pragmas: ReadonlyMap<string, string | number | true>;
}

/**
 * What a predefined or generated function computes. `type` is the type it is
 * defined on (for `head` the list type, for `+` on nat the nat type, for a
 * conversion `nat (x)` the target type); `field` names the field of a
 * generated `get_f` / `set_f`.
 */
export interface Builtin {
  readonly op: BuiltinOp;
  readonly type: TypeDecl;
  readonly field?: string;
}

export type BuiltinOp =
  // equality and order (any type that asks for them; predefined types have them)
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge"
  // bool
  | "not" | "and" | "or" | "xor" | "implies" | "iff"
  // numbers (nat, int, real; ranges use their base type's)
  | "add" | "sub" | "mul" | "div" | "mod" | "rem" | "pow" | "neg" | "pos" | "abs" | "sign" | "min" | "max" | "realdiv"
  // successor and predecessor (numbers, enumerations, ranges, char)
  | "succ" | "pred"
  // enumerations, ranges and char: first / last value, number of values, position, value at position
  | "first" | "last" | "card" | "ord" | "val"
  // conversions to the `type` of the builtin (nat (x), int (x), real (x), char (n), ...)
  | "convert"
  // char classification
  | "is_digit" | "is_lower" | "is_upper" | "is_alpha" | "is_alnum" | "to_lower" | "to_upper"
  // strings and lists: `&` and concatenation
  | "concat" | "length" | "empty" | "nth" | "prefix" | "suffix" | "substr" | "index"
  // lists and sets
  | "head" | "tail" | "append" | "cons" | "member" | "insert" | "remove" | "union" | "inter" | "diff" | "reverse" | "delete" | "last_element"
  // arrays: `T (v)` fills every element with v; `get`/`set` by index
  | "fill" | "array_get" | "array_set"
  // field access generated by `with get, set`
  | "get_field" | "set_field";

export interface ProcessDecl {
  readonly name: string;
  readonly span: Span | undefined;
  readonly gates: readonly GateDecl[];
  /**
   * Gates declared by `hide` in the body, each with its own index after
   * `gates`; also the exceptions a `trap` in the body declares.
   */
  readonly hiddenGates: GateDecl[];
  readonly params: readonly ParamDecl[];
  readonly requires: readonly Expr[];
  readonly ensures: readonly Expr[];
  /** The parameters whose entry value an `ensure` reads (`X.in`): copied at entry. */
  readonly entryCopies: readonly EntryCopy[];
  body: Stmt;
  /** Parameters first (in order), then every local, each with its index. */
  readonly variables: VarDecl[];
  readonly pragmas: ReadonlyMap<string, string | number | true>;
}

// ---------------------------------------------------------------------------
// Expressions

interface ExprBase {
  readonly type: TypeDecl;
  readonly span: Span;
}

export type Expr =
  | (ExprBase & { readonly kind: "var"; readonly variable: VarDecl })
  /**
   * `X.in` in an `ensure` clause: the value parameter `variable` had when its
   * function or process was called, kept in `copy`, a hidden variable of the
   * unit set at entry (see `EntryCopy`). `X.out` and a plain `X` are `var`.
   */
  | (ExprBase & { readonly kind: "entry"; readonly variable: VarDecl; readonly copy: VarDecl })
  /** nat and int literals are bigints, reals numbers, chars and strings strings, `true`/`false` booleans. */
  | (ExprBase & { readonly kind: "literal"; readonly value: bigint | number | string | boolean })
  | (ExprBase & { readonly kind: "call"; readonly fn: FunctionDecl; readonly args: readonly Expr[]; readonly exceptions: readonly GateDecl[] })
  | (ExprBase & { readonly kind: "ctor"; readonly ctor: CtorDecl; readonly args: readonly Expr[] })
  /** `E.f`; a run-time error when E's constructor has no field f. */
  | (ExprBase & { readonly kind: "field"; readonly target: Expr; readonly field: string })
  | (ExprBase & { readonly kind: "update"; readonly target: Expr; readonly updates: readonly { readonly field: string; readonly value: Expr }[] })
  | (ExprBase & { readonly kind: "index"; readonly target: Expr; readonly index: Expr })
  /** A list, set or array literal of `type`. */
  | (ExprBase & { readonly kind: "collection"; readonly elements: readonly Expr[] })
  /** `E of T` into a range or a subtype: a run-time check of the bounds or predicate. */
  | (ExprBase & { readonly kind: "convert"; readonly expr: Expr })
  /** Lazy `and then` / `or else`. */
  | (ExprBase & { readonly kind: "lazy"; readonly op: "and then" | "or else"; readonly left: Expr; readonly right: Expr });

// ---------------------------------------------------------------------------
// Patterns

interface PatternBase {
  readonly type: TypeDecl;
  readonly span: Span;
}

export type Pattern =
  /** Binds the value to the variable. */
  | (PatternBase & { readonly kind: "var"; readonly variable: VarDecl })
  | (PatternBase & { readonly kind: "any" })
  | (PatternBase & { readonly kind: "ctor"; readonly ctor: CtorDecl; readonly args: readonly Pattern[] })
  /** Matches values equal to the (constant) expression. */
  | (PatternBase & { readonly kind: "value"; readonly expr: Expr });

// ---------------------------------------------------------------------------
// Statements and behaviours

/** A loop that `break` can leave; `id` is unique within the function or process. */
export interface LoopLabel {
  readonly name: string;
  readonly id: number;
}

interface StmtBase {
  readonly span: Span;
}

export type Offer =
  | { readonly kind: "emit"; readonly expr: Expr }
  | { readonly kind: "receive"; readonly pattern: Pattern };

/**
 * `span`, when set, is the actual as written (`?X`, `!?X`): diagnostics about
 * the variable point there rather than at the whole call.
 */
export type Actual =
  | { readonly kind: "in"; readonly expr: Expr }
  | { readonly kind: "out"; readonly variable: VarDecl; readonly span?: Span }
  | { readonly kind: "in out"; readonly variable: VarDecl; readonly span?: Span };

export interface ParBranch {
  /** The branch's own synchronization set (`G1, G2 -> B`), if written. */
  readonly gates: readonly GateDecl[] | undefined;
  readonly body: Stmt;
}

export interface Match {
  readonly patterns: readonly Pattern[];
  readonly where: Expr | undefined;
  readonly body: Stmt;
}

export type Stmt =
  | (StmtBase & { readonly kind: "null" })
  | (StmtBase & { readonly kind: "seq"; readonly stmts: readonly Stmt[] })
  | (StmtBase & { readonly kind: "assign"; readonly variable: VarDecl; readonly value: Expr })
  /** `X := any T [where E]`: a nondeterministic choice among the values of X's type. */
  | (StmtBase & { readonly kind: "any"; readonly variable: VarDecl; readonly where: Expr | undefined })
  /** A procedure call (a function without result, or a function whose result is discarded via `eval`). */
  | (StmtBase & { readonly kind: "call"; readonly fn: FunctionDecl; readonly args: readonly Actual[]; readonly exceptions: readonly GateDecl[]; readonly result: VarDecl | undefined })
  | (StmtBase & { readonly kind: "return"; readonly value: Expr | undefined })
  | (StmtBase & { readonly kind: "raise"; readonly exception: GateDecl })
  | (StmtBase & { readonly kind: "var"; readonly variables: readonly VarDecl[]; readonly body: Stmt })
  | (StmtBase & { readonly kind: "if"; readonly branches: readonly { readonly cond: Expr; readonly body: Stmt }[]; readonly else: Stmt | undefined })
  | (StmtBase & { readonly kind: "case"; readonly scrutinee: Expr; readonly matches: readonly Match[] })
  | (StmtBase & { readonly kind: "loop"; readonly label: LoopLabel | undefined; readonly body: Stmt })
  | (StmtBase & { readonly kind: "while"; readonly cond: Expr; readonly label: LoopLabel | undefined; readonly body: Stmt })
  /** `for init while cond by step loop body` (or `until cond`: stop when it holds). */
  | (StmtBase & { readonly kind: "for"; readonly init: Stmt; readonly cond: Expr; readonly until: boolean; readonly step: Stmt; readonly label: LoopLabel | undefined; readonly body: Stmt })
  | (StmtBase & { readonly kind: "break"; readonly label: LoopLabel })
  | (StmtBase & { readonly kind: "assert"; readonly cond: Expr })
  | (StmtBase & { readonly kind: "trap"; readonly handlers: readonly { readonly exception: GateDecl; readonly body: Stmt }[]; readonly body: Stmt })
  // ---- behaviours only
  | (StmtBase & { readonly kind: "stop" })
  /** The internal action `i`. */
  | (StmtBase & { readonly kind: "internal" })
  /** A rendezvous offer on a gate: `G (!e, ?p, ...) where E`. */
  | (StmtBase & { readonly kind: "comm"; readonly gate: GateDecl; readonly offers: readonly Offer[]; readonly where: Expr | undefined })
  | (StmtBase & { readonly kind: "pcall"; readonly process: ProcessDecl; readonly gates: readonly GateDecl[]; readonly args: readonly Actual[] })
  | (StmtBase & { readonly kind: "alt"; readonly branches: readonly Stmt[] })
  /**
   * `par G* [#n] in B1 || ... end par`. A gate G synchronizes the branches
   * whose set (the global set, or the branch's own) holds G: all of them, or
   * with `#n` any n of them; a gate in no set interleaves.
   */
  | (StmtBase & { readonly kind: "par"; readonly gates: readonly GateDecl[]; readonly count: number | undefined; readonly branches: readonly ParBranch[] })
  | (StmtBase & { readonly kind: "hide"; readonly gates: readonly GateDecl[]; readonly body: Stmt })
  | (StmtBase & { readonly kind: "disrupt"; readonly body: Stmt; readonly by: Stmt });

// ---------------------------------------------------------------------------
// The whole model

export interface Predefined {
  readonly bool: TypeDecl;
  readonly nat: TypeDecl;
  readonly int: TypeDecl;
  readonly real: TypeDecl;
  readonly char: TypeDecl;
  readonly string: TypeDecl;
  /** The predefined exception `unexpected`. */
  readonly unexpected: GateDecl;
}

export interface Model {
  /** The root module's name and every module loaded, root first. */
  readonly modules: readonly { readonly name: string; readonly path: string }[];
  readonly types: readonly TypeDecl[];
  readonly channels: readonly ChannelDecl[];
  readonly functions: readonly FunctionDecl[];
  readonly processes: readonly ProcessDecl[];
  readonly predefined: Predefined;
  /** `MAIN` (any case) when declared; a stage may take another root from the user. */
  readonly root: ProcessDecl | undefined;
}

/** A parameter's value at entry, copied into a hidden variable of its unit for `X.in`. */
export interface EntryCopy {
  readonly param: VarDecl;
  readonly copy: VarDecl;
}
