// The catalogue of every diagnostic lntc can report. Codes are stable: never
// renumber or reuse one; add new entries at the end of their section.
//
//   1000-1999  lexical and syntax (lexer, parser)
//   2000-2999  names and types (resolution, overloading, type checking)
//   3000-3999  static semantics (initialisation, par, modes, returns, loops)
//   4000-4999  modules and imports, the command line and files
//   6000-6999  run time: errors of the model found while executing it
//   7000-7999  compilation to tasks and Wasm, hooks (backend)
//   8000-8999  deployment files, placement and node logs (host)
//   9000-9999  internal errors (compiler bugs)

import type { Severity } from "./diagnostics.js";

export interface DiagnosticMessage {
  readonly code: number;
  readonly severity: Severity;
  /** Template; "{0}", "{1}", ... are replaced by the arguments. */
  readonly text: string;
}

function e(code: number, text: string): DiagnosticMessage {
  return { code, severity: "error", text };
}
function w(code: number, text: string): DiagnosticMessage {
  return { code, severity: "warning", text };
}

export const Msg = {
  // ---- 1000-1999: lexical and syntax -------------------------------------
  InvalidCharacter: e(1001, "invalid character {0}"),
  UnterminatedString: e(1002, "unterminated string literal"),
  UnterminatedComment: e(1003, "unterminated comment: '(*' has no matching '*)'"),
  UnterminatedChar: e(1004, "unterminated character literal"),
  InvalidNumber: e(1005, "invalid number literal '{0}'"),
  Expected: e(1010, "expected {0}, found {1}"),
  ExpectedEnd: e(1011, "expected 'end {0}' to close the '{0}' opened at line {1}, found {2}"),
  UnexpectedToken: e(1012, "unexpected {0}"),
  ExpectedExpression: e(1013, "expected an expression, found {0}"),
  ExpectedStatement: e(1014, "expected a statement or behaviour, found {0}"),
  ExpectedDefinition: e(1015, "expected a definition (type, function, channel or process), found {0}"),
  ExpectedPattern: e(1016, "expected a pattern, found {0}"),
  ExpectedType: e(1017, "expected a type name, found {0}"),
  MixedPrefixOf: e(1018, "a prefix operator and 'of' must be parenthesised: write '({0}) of {1}'"),
  ChainedPrefix: e(1019, "chained prefix operators need parentheses"),
  TrailingInput: e(1020, "unexpected {0} after the end of the module"),
  DeprecatedSpelling: w(1021, "'{0}' is deprecated; write '{1}'"),
  ModuleNameMismatch: w(1022, "module '{0}' is in file '{1}': the module name should match the file name"),
  EmptyFile: e(1023, "the file is empty: expected 'module'"),
  InvalidLValue: e(1024, "cannot assign to this expression: expected a variable, an array element or a field"),
  TooDeep: e(1025, "nesting is too deep: more than {0} levels"),

  // ---- 2000-2999: names and types ----------------------------------------
  UndeclaredVariable: e(2001, "variable '{0}' is not declared"),
  UndeclaredType: e(2002, "type '{0}' is not declared"),
  UndeclaredFunction: e(2003, "no function or constructor named '{0}' is declared"),
  UndeclaredGate: e(2004, "gate '{0}' is not declared"),
  UndeclaredProcess: e(2005, "process '{0}' is not declared"),
  UndeclaredChannel: e(2006, "channel '{0}' is not declared"),
  UndeclaredName: e(2007, "'{0}' is not declared"),
  Duplicate: e(2010, "{0} '{1}' is already declared"),
  TypeMismatch: e(2020, "type mismatch: expected {0}, found {1}"),
  NoOverload: e(2021, "no {0} '{1}' takes ({2}){3}"),
  AmbiguousOverload: e(2022, "ambiguous {0} '{1}': {2} candidates match; add 'of T' to choose"),
  ConditionNotBool: e(2023, "a condition must be of type bool, found {0}"),
  OfferArity: e(2030, "gate '{0}' of channel {1} takes {2} offer(s) in each profile ({3}), this action has {4}"),
  OfferTypes: e(2031, "no profile of channel {0} of gate '{1}' matches the offer types ({2})"),
  NoOffersOnNone: e(2032, "gate '{0}' has channel none: it takes no offers"),
  GateArity: e(2033, "process '{0}' takes {1} gate(s), {2} given"),
  GateChannelMismatch: e(2034, "gate '{0}' has channel {1}, but the formal gate '{2}' of '{3}' has channel {4}"),
  ArgArity: e(2035, "'{0}' takes {1} argument(s), {2} given"),
  NotAField: e(2040, "type {0} has no field '{1}'"),
  NotAnArray: e(2041, "indexing needs an array, found {0}"),
  UnknownWithItem: e(2042, "'{0}' is not a function a 'with' clause can generate for type {1}"),
  NotAGate: e(2043, "'{0}' is a {1}, not a gate"),
  NotAVariable: e(2044, "'{0}' is a {1}, not a variable"),
  CannotInferType: e(2045, "cannot tell the type of this expression; add 'of T'"),
  NotACollectionType: e(2046, "a '{...}' literal needs a list, set or array type, found {0}"),
  PatternMismatch: e(2047, "pattern of type {0} cannot match a value of type {1}"),
  ExceptionArity: e(2048, "'{0}' takes {1} exception(s), {2} given"),
  WrongExceptionChannel: e(2049, "'{0}' is not an exception (its channel is {1})"),
  NotConstant: e(2050, "a bound must be a constant: a number, or arithmetic on numbers"),
  InvalidBounds: e(2051, "invalid bounds {0} .. {1}: the low bound must not exceed the high bound (nor be negative for nat)"),
  LiteralOutOfRange: e(2052, "{0} is not a value of type {1} ({2} .. {3})"),
  GateListOnGate: e(2053, "'{0}' is a gate: it takes no bracketed gate list"),
  NotAProcedure: e(2054, "'{0}' is a {1}: it cannot be called as a statement"),
  FunctionHasNoResult: e(2055, "'{0}' is a procedure (it returns no value): it cannot be used in an expression"),
  ResultTypeMismatch: e(2056, "'{0}' returns {1}, but '{2}' is of type {3}"),
  OffersOnProcess: e(2057, "'{0}' is a process: it takes values in parentheses, not a 'where' guard"),
  ModuleFileName: e(2058, "module '{0}' is in file '{1}': a module must be in a file of its own name ('{0}.lnt')"),
  NotImported: w(2059, "'{0}' is defined in module '{1}', which module '{2}' does not import"),

  // ---- 3000-3999: static semantics ---------------------------------------
  Uninitialized: e(3001, "variable '{0}' may be used before it is assigned"),
  SharedVariable: e(3002, "variable '{0}' is written in one branch of a parallel composition and used in another"),
  UnusedVariable: w(3003, "variable '{0}' is assigned but never used"),
  UnusedGate: w(3004, "gate '{0}' is never used"),
  MissingReturn: e(3005, "function '{0}' may end without 'return'"),
  BreakOutsideLoop: e(3006, "'break {0}' is not inside a loop labelled '{0}'"),
  AssignToInParam: e(3007, "parameter '{0}' is an 'in' parameter: declare it 'in var' to assign it"),
  OutParamUnassigned: e(3008, "'out' parameter '{0}' may not be assigned when '{1}' returns"),
  ActualModeMismatch: e(3009, "parameter '{0}' of '{1}' is {2}: write the actual as {3}"),
  ReturnInProcess: e(3010, "'return' is only allowed in functions"),
  ReturnValueMismatch: e(3011, "{0}"),
  BehaviourInFunction: e(3012, "{0} is a behaviour: it is not allowed in a function"),
  UnusedVariableNeverAssigned: w(3013, "variable '{0}' is declared but never used"),
  SyncGateNotVisible: e(3014, "gate '{0}' in a synchronization set is not a visible gate here"),
  SyncCountRange: e(3015, "'#{0}' must be between 2 and the number of branches ({1})"),
  DuplicateSyncGate: e(3016, "gate '{0}' appears twice in this synchronization set"),
  NoRootProcess: e(3017, "no root process: declare 'process MAIN' or give --root"),
  RootHasParams: e(3018, "the root process '{0}' has value parameters: give their values with --root '{0} (...)'"),
  UnreachableAfter: w(3019, "this statement can never run: the statement before it does not terminate"),
  SameVarTwiceOut: e(3020, "variable '{0}' is given twice as an out actual in one call"),
  OutActualInExpression: e(3021, "'?{0}' is not allowed inside an expression"),
  PatternVarNotDeclared: e(3022, "pattern variable '{0}' is not declared: declare it with 'var' (or in the case's 'var' clause)"),
  CaseNotExhaustive: w(3023, "this 'case' does not cover every value of type {0}: a value that matches no pattern is a run-time error"),
  UncaughtException: e(3024, "exception '{0}' may be raised here but '{1}' does not declare it"),
  DisruptShared: e(3025, "variable '{0}' is written in one part of 'disrupt' and used in the other"),
  BreakInPar: e(3026, "'break {0}' cannot leave a parallel composition"),
  ReturnValueInProcedure: e(3027, "'{0}' is a procedure: 'return' takes no value here"),
  ReturnWithoutValue: e(3028, "function '{0}' returns a value of type {1}: 'return' needs one"),
  OfferModeMismatch: e(3029, "'!?{0}' is not an offer: write '!{0}' to send or '?{0}' to receive"),
  UnusedParameter: w(3030, "parameter '{0}' is never used"),
  WrittenHere: { code: 3031, severity: "note", text: "'{0}' is written here" },
  QualifierOutsideEnsure: e(3032, "'.{0}' is only allowed in an 'ensure' clause, on a parameter (its value at entry or at exit)"),
  QualifierNotParameter: e(3033, "'.{0}' qualifies a parameter of '{1}': {2} is not one"),
  QualifierOnInParam: e(3034, "'{0}' is an 'in' parameter: it never changes, so '.{1}' is meaningless; write '{0}'"),
  EntryOfOutParam: e(3035, "'{0}' is an 'out' parameter: it has no value at entry, so '{0}.in' is meaningless"),
  OutOfInVarParam: w(3036, "dubious '.out' qualifier for 'in var' parameter '{0}': the caller never sees its final value"),

  // ---- 4000-4999: modules, files and the command line --------------------
  CannotRead: e(4001, "cannot read '{0}': {1}"),
  ImportNotFound: e(4002, "module '{0}' is imported but no file '{0}.lnt' was found beside '{1}'"),
  ImportCycle: e(4003, "modules import each other in a cycle: {0}"),
  Usage: e(4004, "{0}"),
  BadRootSpec: e(4005, "cannot read the root process '{0}': {1}"),

  // ---- 6000-6999: run time --------------------------------------------------
  RuntimeError: e(6001, "{0}"),
  Overflow: e(6002, "value {0} is out of the bounds of type {1} ({2} .. {3})"),
  DivisionByZero: e(6003, "division by zero"),
  CaseNoMatch: e(6004, "no pattern of this 'case' matches the value {0}"),
  AssertFailed: e(6005, "assertion failed"),
  ExceptionNotCaught: e(6006, "exception '{0}' is raised and not caught"),
  NoReturnValue: e(6007, "function '{0}' ended without returning a value"),
  IndexOutOfRange: e(6008, "index {0} is out of the bounds {1} .. {2} of array type {3}"),
  NoSuchField: e(6009, "the value {0} has no field '{1}'"),
  EmptyCollection: e(6010, "'{0}' of an empty list or string"),
  InfiniteNegotiation: e(6011, "action '{0}': no party emits offer {1}, of type {2}, which has too many values to enumerate: emit a value, or use a finite type (bool, enumeration, range)"),
  InfiniteAny: e(6012, "'{0} := any {1}': type {1} has too many values to enumerate: use a finite type (bool, enumeration, range)"),
  RequireFailed: e(6013, "the 'require' clause of '{0}' is false"),
  NotInType: e(6014, "{0} is not a value of type {1}"),
  NoBody: e(6015, "function '{0}' has no LNT body (external): it cannot be executed"),
  RecursionTooDeep: e(6016, "recursion too deep while evaluating '{0}'"),
  SilentLoop: e(6017, "this behaviour runs for ever without performing an action (a loop or recursion with no action)"),
  UnguardedRecursion: e(6018, "unguarded recursion: process '{0}' calls itself before any action"),
  EnsureFailed: e(6019, "the 'ensure' clause of '{0}' is false"),
  ValueOutOfRange: e(6020, "{0} of {1} is out of range"),
  UnassignedVariable: e(6021, "variable '{0}' is read before it has a value"),
  ArrayLiteralSize: e(6022, "an array of type {0} has {1} elements, this literal has {2}"),
  NegativeExponent: e(6023, "negative exponent {0}"),
  OutOfMemory: e(6024, "memory is nearly exhausted after {0} states and {1} transitions: the state space may be infinite; bound it with --max-states"),
  MemoryExhausted: e(6025, "memory exhausted: the state space may be infinite; bound it with --max-states"),

  // ---- 7000-7999: Wasm backend ----------------------------------------------
  DynamicPar: e(7001, "'{0}' inside the sequential behaviour of task '{1}': a task cannot start parallel branches dynamically (not supported yet); move the composition to the top level"),
  BackendUnsupported: e(7002, "{0} is not supported by the Wasm backend yet"),
  AltPreActionCode: e(7003, "this 'alt' branch runs {0} before its first action: not supported by the Wasm backend yet"),
  NonTailRecursion: e(7004, "process '{0}' calls itself recursively, not as its last action: not supported by the Wasm backend yet"),
  WideNumbers: e(7005, "type {0} needs more than 62 bits: not supported by the Wasm backend yet"),
  HookFailed: e(7006, "hook of gate {0}: {1} threw: {2} (values: {3})"),
  HookBadValue: e(7007, "hook of gate {0}: {1} gave a bad value at position {2}: {3} (values: {4})"),
  HookBadGate: e(7008, "hook module: {0} on gate '{1}' (values: {2}): {3}"),
  HookLoad: e(7009, "hook module '{0}': {1}"),

  // ---- 8000-8099: deployment files (host) -----------------------------------
  DeploySyntax: e(8001, "deployment file: {0}"),
  DeployType: e(8002, "{0} must be {1}, not {2}"),
  DeployMissing: e(8003, "{0} has no '{1}': {2}"),
  DeployUnknownKey: e(8004, "unknown key '{0}' in {1}; expected one of {2}"),
  DeployDuplicateNode: e(8005, "node '{0}' is declared twice"),
  DeployBadAddress: e(8006, "address '{0}' of node '{1}' is not host:port with a port from 1 to 65535"),
  DeployDuplicateAddress: e(8007, "nodes '{0}' and '{1}' have the same address {2}"),
  DeployUnknownNode: e(8008, "'{0}' is not a node of this deployment; the nodes are {1}"),
  DeployBadName: e(8009, "node name '{0}' must be 1 to 64 letters, digits, '_', '-' or '.'"),
  DeployEmpty: e(8010, "the deployment declares no node"),
  DeployBadOption: e(8011, "option '{0}' must be a whole number of milliseconds from {1} to {2}"),
  DeployUnknownTask: e(8012, "the model has no task '{0}'; its tasks are {1}"),
  DeployUnplacedTask: e(8013, "task '{0}' is not placed on any node"),
  DeployUnknownGate: e(8014, "the model has no synchronized gate '{0}'; its gates are {1}"),
  DeployFirstHere: e(8015, "first declared here"),
  DeployHookNotVisible: w(8016, "gate '{0}' is hidden: the environment never takes part in it, so its hook never runs"),
  DeployDuplicateKey: e(8017, "'{0}' appears twice in {1}"),
  DeployUnknownHookGate: e(8018, "the model has no gate '{0}' that a task uses, for a hook; its gates are {1}"),
  DeployHookElsewhere: e(8019, "the hooks of gate '{0}' run on node '{1}' but 'gates' negotiates it on node '{2}': a hooked gate is negotiated where its hooks run"),
  DeployHookSpread: e(8020, "gate '{0}' has hooks on node '{1}', but tasks on other nodes ({2}) take it alone: put its hooks where those tasks run, or the tasks together"),

  // ---- 8100-8199: node logs and trace merging (host) --------------------------
  LogBadHeader: e(8101, "not an lntc node log: the first line must be '# lntc-log 1 node=NAME deployment=HASH'"),
  LogBadLine: e(8102, "malformed log line: {0}"),
  LogTwoActions: e(8103, "task '{0}' has two different actions at its step {1} (the other at {2})"),
  LogLabelMismatch: e(8104, "the same action is logged with two labels: '{0}' here, '{1}' at {2}"),
  LogCycle: e(8105, "the logs order these actions in a cycle: {0}"),
  LogGap: e(8106, "task '{0}' has no action at step {1} but has one at step {2}: is a node's log missing?"),
  LogOtherDeployment: e(8107, "this log is from deployment {0}, the first log from {1}"),

  // ---- 9000-9999: internal --------------------------------------------------
  Internal: e(9001, "internal compiler error: {0}"),
} as const satisfies Record<string, DiagnosticMessage>;

export type MsgKey = keyof typeof Msg;
