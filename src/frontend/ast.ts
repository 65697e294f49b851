// The syntax tree, as the parser builds it: plain data, a discriminated union
// on `kind` per category, every node with its source range. It says what was
// written, not what it means: `G (x)` may turn out to be a gate action, a
// process call or a procedure call, and `x` in a pattern a variable or a
// constant constructor; the checker decides (see model.ts for its output).
// Both old and new spellings parse to the same nodes.

import type { Span, SourceFile } from "./source.js";

/** An identifier. LNT identifiers are case-insensitive: compare `key`. */
export interface Ident {
  /** As written. For an operator function name (`function + (...)`), the symbol. */
  readonly text: string;
  /** Lower-cased, for lookups. */
  readonly key: string;
  readonly span: Span;
}

// ---------------------------------------------------------------------------
// Modules and definitions

export interface Module {
  readonly kind: "module";
  readonly file: SourceFile;
  readonly name: Ident;
  readonly imports: readonly Ident[];
  /** Module-level `with` items: defaults for every type of the module. */
  readonly withItems: readonly WithItem[];
  readonly pragmas: readonly Pragma[];
  readonly definitions: readonly Definition[];
  readonly span: Span;
}

export type Definition = TypeDef | ChannelDef | FunctionDef | ProcessDef;

/** `!name value`, e.g. `!nat_bits 32`, `!implementedby "f"`, `!external`. */
export interface Pragma {
  readonly name: Ident;
  readonly value: PragmaValue | undefined;
  readonly span: Span;
}
export type PragmaValue =
  | { readonly kind: "number"; readonly text: string; readonly span: Span }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | { readonly kind: "ident"; readonly ident: Ident };

/** One item of a `with` clause: `==`, `"get"`, `head`, ... */
export interface WithItem {
  /** Normalised: quotes removed, lower-cased (`==`, `!=`, `get`, `head`). */
  readonly name: string;
  readonly quoted: boolean;
  readonly span: Span;
}

export interface TypeDef {
  readonly kind: "type";
  readonly name: Ident;
  readonly pragmas: readonly Pragma[];
  readonly body: TypeBody;
  readonly withItems: readonly WithItem[];
  readonly span: Span;
}

export type TypeBody =
  /** Free constructors; an enumeration is constructors without fields. */
  | { readonly kind: "constructors"; readonly constructors: readonly ConstructorDef[]; readonly span: Span }
  | { readonly kind: "list"; readonly sorted: boolean; readonly set: boolean; readonly element: Ident; readonly span: Span }
  | { readonly kind: "array"; readonly low: Expr; readonly high: Expr; readonly element: Ident; readonly span: Span }
  | { readonly kind: "range"; readonly low: Expr; readonly high: Expr; readonly base: Ident; readonly span: Span }
  /** `X: T where E` (predicate subtype) or `X: T` (derived type). */
  | { readonly kind: "subtype"; readonly variable: Ident; readonly base: Ident; readonly predicate: Expr | undefined; readonly span: Span };

export interface ConstructorDef {
  readonly name: Ident;
  readonly fields: readonly FieldDef[];
  readonly pragmas: readonly Pragma[];
  readonly span: Span;
}

/** `a, b: T` declares two fields. */
export interface FieldDef {
  readonly names: readonly Ident[];
  readonly type: Ident;
  readonly span: Span;
}

export interface ChannelDef {
  readonly kind: "channel";
  readonly name: Ident;
  readonly profiles: readonly Profile[];
  readonly span: Span;
}

export interface Profile {
  readonly items: readonly ProfileItem[];
  readonly span: Span;
}
/** `T`, or `x, y: T` (which stands for two positions). */
export interface ProfileItem {
  readonly names: readonly Ident[];
  readonly type: Ident;
  readonly span: Span;
}

export type ParamMode = "in" | "out" | "in out" | "in var";

export interface ParamDecl {
  readonly mode: ParamMode;
  /** Whether the mode was written (a bare `x: T` is `in`). */
  readonly explicitMode: boolean;
  readonly names: readonly Ident[];
  readonly type: Ident;
  readonly span: Span;
}

/** `G1, G2: C` in a process's gate list or a function's exception list;
 *  `channel` is a channel name or one of `any`, `none`, `exit`. */
export interface GateDecl {
  readonly names: readonly Ident[];
  readonly channel: Ident;
  readonly span: Span;
}

export interface FunctionDef {
  readonly kind: "function";
  /** An identifier or an operator symbol (`+`, `==`, ...). */
  readonly name: Ident;
  readonly exceptions: readonly GateDecl[];
  readonly params: readonly ParamDecl[];
  readonly result: Ident | undefined;
  readonly pragmas: readonly Pragma[];
  readonly requires: readonly Expr[];
  readonly ensures: readonly Expr[];
  /** Absent for `!external` or `!virtual` functions written without a body. */
  readonly body: Stmt | undefined;
  readonly span: Span;
}

export interface ProcessDef {
  readonly kind: "process";
  readonly name: Ident;
  readonly gates: readonly GateDecl[];
  readonly params: readonly ParamDecl[];
  readonly pragmas: readonly Pragma[];
  readonly requires: readonly Expr[];
  readonly ensures: readonly Expr[];
  readonly body: Stmt | undefined;
  readonly span: Span;
}

// ---------------------------------------------------------------------------
// Statements and behaviours (one syntax; the checker says which are allowed where)

export type Stmt =
  | NullStmt
  | SeqStmt
  | AssignStmt
  | AssignAnyStmt
  | ActionStmt
  | ReturnStmt
  | RaiseStmt
  | VarStmt
  | IfStmt
  | CaseStmt
  | LoopStmt
  | WhileStmt
  | ForStmt
  | BreakStmt
  | UseStmt
  | AccessStmt
  | AssertStmt
  | TrapStmt
  | StopStmt
  | InternalStmt
  | SelectStmt
  | ParStmt
  | HideStmt
  | DisruptStmt;

export interface NullStmt { readonly kind: "null"; readonly span: Span }
export interface StopStmt { readonly kind: "stop"; readonly span: Span }
/** The internal action `i`. */
export interface InternalStmt { readonly kind: "internal"; readonly span: Span }

/** `S1; S2; ...`, flattened. */
export interface SeqStmt { readonly kind: "seq"; readonly stmts: readonly Stmt[]; readonly span: Span }

/** `X := E`, `X[I] := E`, `X.f := E`. */
export interface AssignStmt { readonly kind: "assign"; readonly target: LValue; readonly value: Expr; readonly span: Span }

export type LValue =
  | { readonly kind: "var"; readonly name: Ident; readonly span: Span }
  | { readonly kind: "index"; readonly base: LValue; readonly index: Expr; readonly span: Span }
  | { readonly kind: "field"; readonly base: LValue; readonly field: Ident; readonly span: Span };

/** `X := any T [where E]`. */
export interface AssignAnyStmt {
  readonly kind: "assign-any";
  readonly target: Ident;
  readonly type: Ident;
  readonly where: Expr | undefined;
  readonly span: Span;
}

/**
 * `NAME [gates] (args) [where E]`, with `eval` and `X := ` optional in front:
 * a gate action, a process call or a procedure call, told apart by the checker.
 *
 * - `gates` is the bracketed list (`P [G1, G2]`), `"..."` for `P [...]`, or
 *   undefined when there are no brackets. For a function, the brackets list
 *   the exception actuals.
 * - `args` is undefined when no parentheses follow (`G`, `P [G]`).
 */
export interface ActionStmt {
  readonly kind: "action";
  readonly eval: boolean;
  /** `X := F (...)` written with `eval`: the variable receiving the result. */
  readonly result: Ident | undefined;
  readonly name: Ident;
  readonly gates: readonly Ident[] | "..." | undefined;
  readonly args: readonly Arg[] | undefined;
  readonly where: Expr | undefined;
  readonly span: Span;
}

/**
 * One argument or offer:
 * - `emit`: `!E`, or `E` with `bang` false: an emitted value / an `in` actual;
 * - `receive`: `?P`: a pattern in an offer, or an `out` actual `?X`;
 * - `inout`: `!?X`: an `in out` actual.
 * Named associations `x -> E` set `field`.
 */
export type Arg =
  | { readonly kind: "emit"; readonly bang: boolean; readonly expr: Expr; readonly field: Ident | undefined; readonly span: Span }
  | { readonly kind: "receive"; readonly pattern: Pattern; readonly field: Ident | undefined; readonly span: Span }
  | { readonly kind: "inout"; readonly variable: Ident; readonly field: Ident | undefined; readonly span: Span };

export interface ReturnStmt { readonly kind: "return"; readonly value: Expr | undefined; readonly span: Span }
export interface RaiseStmt { readonly kind: "raise"; readonly exception: Ident; readonly span: Span }

export interface VarDecl {
  readonly names: readonly Ident[];
  readonly type: Ident;
  readonly span: Span;
}

export interface VarStmt { readonly kind: "var"; readonly decls: readonly VarDecl[]; readonly body: Stmt; readonly span: Span }

export interface CondBranch { readonly cond: Expr; readonly body: Stmt; readonly span: Span }

/** `if`, and the legacy guard `only if` (`only` set; its missing else means `stop`). */
export interface IfStmt {
  readonly kind: "if";
  readonly only: boolean;
  readonly branches: readonly CondBranch[];
  readonly else: Stmt | undefined;
  readonly span: Span;
}

export interface CaseStmt {
  readonly kind: "case";
  readonly scrutinee: Expr;
  readonly vars: readonly VarDecl[];
  readonly matches: readonly Match[];
  readonly span: Span;
}
export interface Match {
  readonly patterns: readonly Pattern[];
  readonly where: Expr | undefined;
  readonly body: Stmt;
  readonly span: Span;
}

export interface LoopStmt { readonly kind: "loop"; readonly label: Ident | undefined; readonly body: Stmt; readonly span: Span }
export interface WhileStmt { readonly kind: "while"; readonly cond: Expr; readonly label: Ident | undefined; readonly body: Stmt; readonly span: Span }
/** `for S while E by S loop ...` or, with `until`, `for S until E by S loop ...`. */
export interface ForStmt {
  readonly kind: "for";
  readonly init: Stmt;
  readonly cond: Expr;
  readonly until: boolean;
  readonly step: Stmt;
  readonly label: Ident | undefined;
  readonly body: Stmt;
  readonly span: Span;
}
export interface BreakStmt { readonly kind: "break"; readonly label: Ident; readonly span: Span }
export interface UseStmt { readonly kind: "use"; readonly vars: readonly Ident[]; readonly span: Span }
export interface AccessStmt { readonly kind: "access"; readonly gates: readonly Ident[]; readonly span: Span }
export interface AssertStmt { readonly kind: "assert"; readonly cond: Expr; readonly span: Span }

/** `trap E1: exit -> S1 | E2 -> S2 in S0 end trap`. */
export interface TrapStmt {
  readonly kind: "trap";
  readonly handlers: readonly TrapHandler[];
  readonly body: Stmt;
  readonly span: Span;
}
export interface TrapHandler { readonly exception: Ident; readonly channel: Ident | undefined; readonly body: Stmt; readonly span: Span }

/** `select ... [] ... end select` or `alt ... [] ... end alt`. */
export interface SelectStmt { readonly kind: "select"; readonly keyword: "select" | "alt"; readonly branches: readonly Stmt[]; readonly span: Span }

/** `par G1, G2 [# n] in [H1 ->] B1 || ... end par`. */
export interface ParStmt {
  readonly kind: "par";
  readonly gates: readonly Ident[];
  readonly count: Expr | undefined;
  readonly branches: readonly ParBranch[];
  readonly span: Span;
}
export interface ParBranch { readonly gates: readonly Ident[] | undefined; readonly body: Stmt; readonly span: Span }

export interface HideStmt { readonly kind: "hide"; readonly gates: readonly GateDecl[]; readonly body: Stmt; readonly span: Span }
export interface DisruptStmt { readonly kind: "disrupt"; readonly body: Stmt; readonly by: Stmt; readonly span: Span }

// ---------------------------------------------------------------------------
// Expressions and patterns

export type Expr =
  /** A variable, a constant constructor or a function of no arguments. */
  | { readonly kind: "name"; readonly name: Ident; readonly span: Span }
  | { readonly kind: "number"; readonly text: string; readonly span: Span }
  | { readonly kind: "real"; readonly text: string; readonly span: Span }
  | { readonly kind: "char"; readonly value: string; readonly span: Span }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  /** `F (args)` or `F [exceptions] (args)`: a function, a constructor, or a conversion `T (E)`. */
  | { readonly kind: "apply"; readonly callee: Ident; readonly exceptions: readonly Ident[] | undefined; readonly args: readonly CallArg[]; readonly span: Span }
  /** `A op B`; `op.text` is the operator as written (`==`, `and then`, `mod`). */
  | { readonly kind: "binary"; readonly op: Ident; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: "unary"; readonly op: Ident; readonly operand: Expr; readonly span: Span }
  | { readonly kind: "field"; readonly target: Expr; readonly field: Ident; readonly span: Span }
  /**
   * `X.in` / `X.out` (`qualifier.key` is "in" or "out"): the value of parameter X
   * when its function or process was called / when it ends; meaningful only in an
   * `ensure` clause, which the checker enforces. `in` and `out` are reserved, so
   * no record field can be named so.
   */
  | { readonly kind: "qualified"; readonly target: Expr; readonly qualifier: Ident; readonly span: Span }
  /** `E.{f -> V, ...}` (also the old `=>`). */
  | { readonly kind: "update"; readonly target: Expr; readonly updates: readonly FieldUpdate[]; readonly span: Span }
  | { readonly kind: "index"; readonly target: Expr; readonly index: Expr; readonly span: Span }
  | { readonly kind: "of"; readonly expr: Expr; readonly type: Ident; readonly span: Span }
  /** `{E, ...}`: a list, set or array literal. */
  | { readonly kind: "collection"; readonly elements: readonly Expr[]; readonly span: Span }
  | { readonly kind: "paren"; readonly expr: Expr; readonly span: Span };

/** An argument of a function call: a value, or `?X` / `!?X` for out / in out parameters. */
export type CallArg =
  | { readonly kind: "in"; readonly expr: Expr; readonly field: Ident | undefined; readonly span: Span }
  | { readonly kind: "out"; readonly variable: Ident; readonly field: Ident | undefined; readonly span: Span }
  | { readonly kind: "inout"; readonly variable: Ident; readonly field: Ident | undefined; readonly span: Span };

export interface FieldUpdate { readonly field: Ident; readonly value: Expr; readonly span: Span }

export type Pattern =
  /** A variable, or a constant constructor (`nil`, `Red`, `true`). */
  | { readonly kind: "name"; readonly name: Ident; readonly span: Span }
  /** `any` or `any T`. */
  | { readonly kind: "any"; readonly type: Ident | undefined; readonly span: Span }
  | { readonly kind: "constructor"; readonly ctor: Ident; readonly args: readonly Pattern[]; readonly span: Span }
  /** A literal or a constant expression (`0`, `-1`, `"x"`, `'c'`). */
  | { readonly kind: "value"; readonly expr: Expr; readonly span: Span }
  | { readonly kind: "of"; readonly pattern: Pattern; readonly type: Ident; readonly span: Span };
