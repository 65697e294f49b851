// The Wasm backend's driver, without I/O: checked model -> tasks and synchronization
// vectors -> task automata -> AssemblyScript source, plus the manifest (tasks, gates,
// vectors, offer sites, run-time error table) and TypeScript declarations of the
// model's visible gates and types. src/backend-wasm/asc.ts turns the source into Wasm.

import type { Expr, FunctionDecl, GateDecl, Model, ProcessDecl, TypeDecl } from "../frontend/model.js";
import { DiagnosticBag } from "../frontend/diagnostics.js";
import { formatPosition } from "../frontend/source.js";
import { capturedMethods, hostExports, taskVariableHelpers } from "./emit-exports.js";
import { BackendError, Lowerer, type Instance, type Instr } from "./automata.js";
import { baseOf, emitData, isFilteredEnum } from "./emit-data.js";
import { CodeEmitter, type SiteInfo } from "./emit-code.js";
import type { ErrorSite } from "./emit-expr.js";
import { extractTasks, type Frame, type TaskSystem } from "./tasks.js";

export const BACKEND_VERSION = "lntc-wasm-1";

export interface Manifest {
  readonly version: string;
  readonly root: string;
  readonly tasks: readonly { readonly id: number; readonly name: string; readonly process: string }[];
  readonly gates: readonly { readonly id: number; readonly name: string; readonly label: string; readonly visible: boolean; readonly vectors: readonly (readonly number[])[]; readonly profiles: readonly (readonly string[])[] }[];
  readonly types: readonly string[];
  readonly sites: readonly { readonly id: number; readonly task: number; readonly gate: number; readonly types: readonly number[]; readonly text: string; readonly at: string }[];
  readonly errors: readonly { readonly code: number; readonly text: string; readonly args: readonly string[]; readonly at: string | undefined }[];
}

export interface Generated {
  /** The generated AssemblyScript (imports `./embedded/runtime` and `./node/driver`, laid out as runtime-as/). */
  readonly source: string;
  readonly manifest: Manifest;
  readonly declarations: string;
  /** In memory only: the spans of the error table and of the offer sites, for diagnostics. */
  readonly errorSites: readonly ErrorSite[];
  readonly sites: readonly SiteInfo[];
  readonly system: TaskSystem;
}

export function generate(model: Model, root: ProcessDecl, rootArgs: readonly Expr[], diags: DiagnosticBag): Generated | undefined {
  try {
    return generateOrThrow(model, root, rootArgs);
  } catch (err) {
    if (err instanceof BackendError) {
      diags.add(err.msg, err.span, err.args);
      return undefined;
    }
    throw err;
  }
}

function generateOrThrow(model: Model, root: ProcessDecl, rootArgs: readonly Expr[]): Generated {
  const system = extractTasks(root, rootArgs);
  const gates = system.gates.map((g) => ({ ...g }));
  const vectors = system.vectors.map((v) => v.map((x) => [...x]));
  const fnIndex = new Map<FunctionDecl, number>();
  model.functions.forEach((f, i) => fnIndex.set(f, i));
  const em = new CodeEmitter(model, fnIndex);
  const data = emitData(model);
  for (const t of model.types) if (isFilteredEnum(t)) em.ex.subtypeEnum(t);
  const functions = em.emitFunctions();

  const taskCode: string[] = [];
  const accept: string[] = [];
  const fire: string[] = [];
  for (const task of system.tasks) {
    const low = new Lowerer({
      taskName: task.name,
      hiddenGate(decl: GateDecl): number {
        const id = gates.length;
        gates.push({ id, decl, visible: false, channel: decl.channel });
        vectors.push([[task.id]]);
        return id;
      },
    });
    // the frames from the root down to the task, each an instance of its process
    const chain: Frame[] = [];
    for (let f: Frame | undefined = task.frame; f; f = f.parent) chain.unshift(f);
    const instOf = new Map<Frame, Instance>();
    for (const f of chain) instOf.set(f, low.newInstance(f.process));
    // A task that runs a whole called process checks its `ensure` clauses when it ends
    // (not the root's, which nothing calls, nor a composition's, which no one task ends).
    const ensured = task.frame.parent && task.body === task.frame.process.body ? task.frame.process : undefined;
    let entry = low.lowerTask(task.body, instOf.get(task.frame)!, task.gateEnv, chain.map((f) => f.process), ensured);
    // what runs before: parameters passed into each frame, and silent code before compositions
    for (let j = task.setup.length - 1; j >= 0; j--) {
      const step = task.setup[j]!;
      const inst = instOf.get(step.frame)!;
      if (step.kind === "code") {
        entry = low.lowerSilent(step.stmts, entry, inst);
        continue;
      }
      const from = step.frame.parent ? instOf.get(step.frame.parent)! : inst;
      const pairs = step.frame.process.params.map((p, i) => ({ variable: p.variable, value: step.frame.args[i]! }));
      // `X.in` in the process's `ensure`: its entry value, passed like the parameter.
      for (const ec of step.frame.process.entryCopies) pairs.push({ variable: ec.copy, value: step.frame.args[step.frame.process.params.findIndex((p) => p.variable === ec.param)]! });
      // the process's `require` clauses, checked at the call that made the frame (not the root's)
      const requires = step.frame.call ? low.requireChecks(step.frame.process, inst, step.frame.call) : [];
      entry = low.block(step.frame.process.span, { kind: "goto", to: entry }, [{ kind: "pass", from, to: inst, pairs }, ...requires]).id;
    }
    const init: Instr[] = [];
    const t = em.emitTask(task.id, low, entry, init, task.body.span);
    taskCode.push(t.code);
    accept.push(...t.accept);
    fire.push(...t.fire);
  }

  const n = system.tasks.length;
  const label = (g: (typeof gates)[number]) => (g.visible ? g.decl.name.toUpperCase() : "i");
  const initLines: string[] = [];
  gates.forEach((g, i) => {
    initLines.push(`  { const v = new Array<Array<i32>>(); ${vectors[i]!.map((vec) => `v.push([${vec.join(", ")}]);`).join(" ")} S.addGate(${JSON.stringify(label(g))}, ${g.visible}, v); }`);
  });
  for (const s of em.sites) initLines.push(`  { const ty = new Array<i32>(); ${s.types.map((t) => `ty.push(${t});`).join(" ")} S.addSite(${s.task}, ${s.gate}, ty, ${s.guard}); }`);

  const source = [
    "// Generated by lntc from the LNT model: do not edit.",
    `import { Writer, Reader, W, rd, hashBytes, Model, Offer, Snapshot, Tasks, fail, failText, chk, mulChk, divChk, modChk, remChk, powChk, absI, signI, cmpI, cmpR, cmpS, quoteStr, printReal, keep, seed } from "./embedded/runtime";`,
    `import { Driver } from "./node/driver";`,
    "",
    "// ---- data",
    data,
    "",
    "// ---- functions",
    functions,
    "",
    "// ---- tasks",
    ...taskCode,
    "",
    "// ---- helpers",
    ...em.ex.extra,
    "/** The exception being raised (0: none); functions return with it set, callers test it. */",
    "let EXC: i32 = 0;",
    "function excName(id: i32): string {",
    "  switch (id) {",
    `    case 1: return "unexpected";`,
    ...[...em.ex.excIds].map(([g, id]) => `    case ${id}: return ${JSON.stringify(g.name)};`),
    "  }",
    `  return "?";`,
    "}",
    "",
    ...taskVariableHelpers(system.tasks.map((t) => t.id)),
    "",
    "// ---- the model as the driver sees it",
    "class GeneratedModel extends Model {",
    "  start(task: i32): void {",
    "    switch (task) {",
    ...system.tasks.map((t) => `      case ${t.id}: t${t.id}_init(); break;`),
    "    }",
    "  }",
    "  accept(o: Offer, vals: Array<Uint8Array>): bool {",
    "    switch (o.site) {",
    ...accept,
    "    }",
    "    return true;",
    "  }",
    "  fire(o: Offer, vals: Array<Uint8Array>): void {",
    "    switch (o.site) {",
    ...fire,
    "    }",
    "  }",
    ...capturedMethods,
    "  card(type: i32): i32 { return cardOf(type); }",
    "  valueAt(type: i32, i: i32): Uint8Array { return valueAtOf(type, i); }",
    "  print(type: i32, v: Uint8Array): string { return printOf(type, v); }",
    "}",
    "",
    `const S = new Tasks(new GeneratedModel(), ${n});`,
    "const D = new Driver(S);",
    "let STAGED = new Uint8Array(0);",
    "let OUT = new Uint8Array(0);",
    "/** The static tables: gates with their synchronization vectors, offer sites. */",
    "function tables(): void {",
    ...initLines,
    "}",
    ...hostExports(n),
  ].join("\n");

  const at = (s: { span: import("../frontend/source.js").Span | undefined }) => (s.span ? formatPosition(s.span) : undefined);
  const typeName = (t: TypeDecl) => t.name;
  const manifest: Manifest = {
    version: BACKEND_VERSION,
    root: root.name,
    tasks: system.tasks.map((t) => ({ id: t.id, name: t.name, process: t.frame.process.name })),
    gates: gates.map((g, i) => ({
      id: g.id,
      name: g.decl.name,
      label: label(g),
      visible: g.visible,
      vectors: vectors[i]!,
      profiles: typeof g.channel === "string" ? [] : g.channel.profiles.map((p) => p.map((f) => typeName(f.type))),
    })),
    types: model.types.map(typeName),
    sites: em.sites.map((s) => ({ id: s.id, task: s.task, gate: s.gate, types: s.types, text: siteText(s, gates[s.gate]?.decl.name, model), at: formatPosition(s.span) })),
    errors: em.ex.errors.map((e) => ({ code: e.msg.code, text: e.msg.text, args: e.args, at: at(e) })),
  };
  return { source, manifest, declarations: declarations(model, gates.filter((g) => g.visible).map((g) => g.decl)), errorSites: em.ex.errors, sites: em.sites, system: { tasks: system.tasks, gates, vectors } };
}

function siteText(s: SiteInfo, gate: string | undefined, model: Model): string {
  if (s.gate === -2) return "termination";
  if (s.gate < 0) return "i";
  const parts = s.offers.map((o) => (o.kind === "emit" ? `!${model.types[o.expr.type.index]!.name}` : `?${model.types[o.pattern.type.index]!.name}`));
  return `${gate!.toUpperCase()}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

/** TypeScript declarations of the visible gates' offer types, for hook modules. */
function declarations(model: Model, gates: readonly GateDecl[]): string {
  const out: string[] = ["// Generated by lntc: the visible gates and types of the model, for hook modules.", ""];
  const seen = new Set<TypeDecl>();
  const tsOf = (t: TypeDecl): string => {
    const b = baseOf(t);
    const d = b.def;
    switch (d.kind) {
      case "bool":
        return "boolean";
      case "nat":
      case "int":
      case "range":
        return "bigint";
      case "real":
        return "number";
      case "char":
      case "string":
        return "string";
      default:
        if (!seen.has(b)) {
          seen.add(b);
          out.push(typeDecl(b));
        }
        return tsName(b);
    }
  };
  const typeDecl = (t: TypeDecl): string => {
    const d = t.def;
    if (d.kind === "constructors") {
      if (d.enumeration) return `export type ${tsName(t)} = ${d.constructors.map((c) => JSON.stringify(c.name.toUpperCase())).join(" | ")};`;
      return `export type ${tsName(t)} =\n${d.constructors.map((c) => `  | { readonly ctor: ${JSON.stringify(c.name.toUpperCase())}${c.fields.map((f) => `; readonly ${f.name}: ${tsOf(f.type)}`).join("")} }`).join("\n")};`;
    }
    if (d.kind === "list" || d.kind === "array") return `export type ${tsName(t)} = readonly ${tsOf(d.element)}[];`;
    return `export type ${tsName(t)} = unknown;`;
  };
  const gateLines = gates.map((g) => {
    const profiles = typeof g.channel === "string" ? (g.channel === "any" ? ["readonly unknown[]"] : ["readonly []"]) : g.channel.profiles.map((p) => `readonly [${p.map((f) => tsOf(f.type)).join(", ")}]`);
    return `  readonly ${g.name.toUpperCase()}: ${profiles.join(" | ")};`;
  });
  out.push("", "/** Per visible gate, the tuple of values of an action on it. */", "export interface Gates {", ...gateLines, "}", "");
  out.push(
    "/** An action of the model: its gate and values (printed as CADP does in labels). */",
    "export type Action = { [G in keyof Gates]: { readonly gate: G; readonly values: Gates[G] } }[keyof Gates];",
    "",
    "// ---- the hook module's interface (lntc run --hooks; docs/hooks.md)",
    "declare const lntcAny: unique symbol;",
    "/** `env.any`: a position of an offer left to the model. */",
    "export type Any = typeof lntcAny;",
    "/** A tuple of values whose positions may be left open. */",
    "export type Open<T extends readonly unknown[]> = { readonly [K in keyof T]: T[K] | Any };",
    "/** The environment's part in one gate: consent, values for positions no task emits, notifications. */",
    "export interface GateHook<G extends keyof Gates> {",
    "  readonly accept?: boolean | ((values: Gates[G]) => boolean);",
    "  readonly supply?: (position: number) => unknown;",
    "  readonly onAction?: (values: Gates[G]) => void;",
    "}",
    "export type GateHooks = { readonly [G in keyof Gates]?: GateHook<G> };",
    "export interface Hooks {",
    "  readonly gates: GateHooks;",
    "  readonly close?: () => void | Promise<void>;",
    "}",
    "export interface Environment {",
    "  /** Offers an action; resolves with all its values once it happened. */",
    "  offer<G extends keyof Gates>(gate: G, values: Open<Gates[G]>): Promise<Gates[G]>;",
    "  readonly any: Any;",
    "  stop(): void;",
    "}",
    "/** What a hook module's default export is. */",
    "export type Setup = (env: Environment) => Hooks | Promise<Hooks>;",
    "",
  );
  return out.join("\n");
}

function tsName(t: TypeDecl): string {
  return t.name.replace(/[^A-Za-z0-9_]/g, "_");
}
