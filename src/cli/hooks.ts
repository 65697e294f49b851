// `lntc run --hooks FILE`: the environment as one more party of the hooked gates. Loads
// the hook module (JS, or TS transpiled in process), converts values between the JS
// shapes of model.d.ts and the model's canonical codec bytes, and drives the run
// asynchronously: when no action is possible but the environment may still offer, the
// run waits for it instead of reporting a deadlock. Bad hook behaviour stops the run with
// a diagnostic naming the gate, the values and the model position; the hook module's
// `close` is always called, so its servers end with the run.

import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { TypeDecl } from "../frontend/model.js";
import { baseOf, bounds } from "../backend-wasm/emit-data.js";
import type { EnvironmentRun, EnvOffer, RunResult } from "../../host/embedded/instance.js";
import type { Generation } from "./wasm-build.js";
import type { CommandIO } from "./command.js";
import { DiagnosticBag } from "../frontend/diagnostics.js";
import { Msg } from "../frontend/diagnostic-messages.js";
import { printDiagnostics } from "./diagnostics-output.js";

// ---------------------------------------------------------------------------
// Values: JS shapes (model.d.ts) <-> codec bytes (runtime-as/embedded/runtime.ts)

/** A value the hook gave that is not of the expected type. */
export class BadValue extends Error {}

/** The wildcard of `offer`: a position left to the model. */
export const any: unique symbol = Symbol("lntc.any");

function show(v: unknown): string {
  if (v === any) return "any";
  if (v === undefined) return "undefined";
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? Number(x) : x === any ? "any" : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

class Bytes {
  readonly b: number[] = [];
  uint(v: bigint): void {
    while (v >= 0x80n) {
      this.b.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.b.push(Number(v));
  }
}

export function encodeValue(t: TypeDecl, v: unknown): Uint8Array {
  const w = new Bytes();
  enc(t, v, w);
  return Uint8Array.from(w.b);
}

function enc(t: TypeDecl, v: unknown, w: Bytes): void {
  const b = baseOf(t);
  const d = b.def;
  const bad = (what: string): never => {
    throw new BadValue(`${show(v)} is not ${what}`);
  };
  switch (d.kind) {
    case "bool":
      if (typeof v !== "boolean") bad(`a ${t.name} (true or false)`);
      w.b.push(v ? 1 : 0);
      return;
    case "nat":
    case "int":
    case "range": {
      let n: bigint;
      if (typeof v === "bigint") n = v;
      else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
      else return bad(`a ${t.name} (an integer, number or bigint)`);
      const r = bounds(b)!;
      if (n < r.lo || n > r.hi) throw new BadValue(`${n} is out of the range of ${t.name} (${r.lo} .. ${r.hi})`);
      w.uint(n < 0n ? -n * 2n - 1n : n * 2n);
      return;
    }
    case "char":
      if (typeof v !== "string" || v.length !== 1) bad(`a ${t.name} (a string of one character)`);
      w.uint(BigInt((v as string).charCodeAt(0)));
      return;
    case "real": {
      if (typeof v !== "number") bad(`a ${t.name} (a number)`);
      const dv = new DataView(new ArrayBuffer(8));
      dv.setFloat64(0, v as number, true);
      w.uint(dv.getBigUint64(0, true));
      return;
    }
    case "string": {
      if (typeof v !== "string") bad(`a ${t.name} (a string)`);
      const s = v as string;
      w.uint(BigInt(s.length));
      for (let i = 0; i < s.length; i++) w.uint(BigInt(s.charCodeAt(i)));
      return;
    }
    case "constructors": {
      const names = d.constructors.map((c) => c.name.toUpperCase());
      if (d.enumeration) {
        const i = typeof v === "string" ? names.indexOf(v.toUpperCase()) : -1;
        if (i < 0) bad(`a ${t.name} (one of ${names.join(", ")})`);
        w.uint(BigInt(i));
        return;
      }
      if (typeof v !== "object" || v === null || typeof (v as { ctor?: unknown }).ctor !== "string") return bad(`a ${t.name} ({ ctor: ${names.join(" | ")}, fields... })`);
      const o = v as Record<string, unknown>;
      const i = names.indexOf((o["ctor"] as string).toUpperCase());
      if (i < 0) return bad(`a ${t.name}: no constructor ${show(o["ctor"])} (one of ${names.join(", ")})`);
      const c = d.constructors[i]!;
      w.uint(BigInt(i));
      for (const f of c.fields) {
        if (!(f.name in o)) throw new BadValue(`${show(v)}: field '${f.name}' of ${c.name} is missing`);
        enc(f.type, o[f.name], w);
      }
      return;
    }
    case "list": {
      if (!Array.isArray(v)) return bad(`a ${t.name} (an array)`);
      // sets are kept sorted without duplicates by the model: the hook's order must be that one
      w.uint(BigInt(v.length));
      for (const x of v) enc(d.element, x, w);
      return;
    }
    case "array": {
      const n = Number(d.high - d.low + 1n);
      if (!Array.isArray(v) || v.length !== n) return bad(`a ${t.name} (an array of ${n} elements)`);
      for (const x of v) enc(d.element, x, w);
      return;
    }
    case "subtype":
      return;
  }
}

class Reader {
  p = 0;
  constructor(readonly b: Uint8Array) {}
  uint(): bigint {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const x = this.b[this.p++]!;
      v |= BigInt(x & 0x7f) << shift;
      if (x < 0x80) return v;
      shift += 7n;
    }
  }
}

export function decodeValue(t: TypeDecl, bytes: Uint8Array): unknown {
  return dec(t, new Reader(bytes));
}

function dec(t: TypeDecl, r: Reader): unknown {
  const d = baseOf(t).def;
  switch (d.kind) {
    case "bool":
      return r.b[r.p++] !== 0;
    case "nat":
    case "int":
    case "range": {
      const u = r.uint();
      return u & 1n ? -(u >> 1n) - 1n : u >> 1n;
    }
    case "char":
      return String.fromCharCode(Number(r.uint()));
    case "real": {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setBigUint64(0, r.uint(), true);
      return dv.getFloat64(0, true);
    }
    case "string": {
      const n = Number(r.uint());
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode(Number(r.uint()));
      return s;
    }
    case "constructors": {
      const i = Number(r.uint());
      const c = d.constructors[i]!;
      if (d.enumeration) return c.name.toUpperCase();
      const o: Record<string, unknown> = { ctor: c.name.toUpperCase() };
      for (const f of c.fields) o[f.name] = dec(f.type, r);
      return o;
    }
    case "list": {
      const n = Number(r.uint());
      const xs: unknown[] = [];
      for (let i = 0; i < n; i++) xs.push(dec(d.element, r));
      return xs;
    }
    case "array": {
      const xs: unknown[] = [];
      for (let i = 0n; i <= d.high - d.low; i++) xs.push(dec(d.element, r));
      return xs;
    }
    case "subtype":
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// The hook module's interface (model.d.ts types it per model)

export type Values = readonly unknown[];

export interface GateHook {
  /** Whether the environment consents to an action with these values (default: true; false: only through `offer`). */
  readonly accept?: boolean | ((values: Values) => boolean);
  /** A value for an open position that no task emits (e.g. a nat the model receives). */
  readonly supply?: (position: number) => unknown;
  /** Told of every action on the gate, after it happened. */
  readonly onAction?: (values: Values) => void;
}

export interface Hooks {
  readonly gates: Readonly<Record<string, GateHook>>;
  /** Called once when the run ends, whatever the reason (close servers here). */
  readonly close?: () => void | Promise<void>;
}

export interface Environment {
  /** Offers an action; `env.any` leaves a position to the model. Resolves with all the values once it happened. */
  offer(gate: string, values: Values): Promise<unknown[]>;
  readonly any: typeof any;
  /** Ends the run (exit status 0). */
  stop(): void;
}

// ---------------------------------------------------------------------------
// Loading

/** The module specifier under which a TypeScript hook module imports the model's declarations. */
export const MODEL_MODULE = "lntc:model";

async function loadModule(path: string, declarations: string): Promise<unknown> {
  const abs = resolve(path);
  if (!/\.[cm]?ts$/.test(abs)) return import(pathToFileURL(abs).href);
  // TypeScript: checked against the model's declarations, then transpiled in process
  // (typescript is a run-time dependency for this)
  const ts = (await import("typescript")).default;
  const src = readFileSync(abs, "utf8");
  const where = (d: import("typescript").Diagnostic): string => {
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${pos ? `${d.file!.fileName === abs ? "" : `${d.file!.fileName}:`}${pos.line + 1}:${pos.character + 1}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  };
  const dir = dirname(abs);
  const modelFile = join(dir, "__lntc_model__.d.ts");
  const checkFile = join(dir, "__lntc_check__.ts");
  const checkSrc = `import type { Setup } from "${MODEL_MODULE}";\nimport setup from ${JSON.stringify("./" + basename(abs))};\nexport const check: Setup = setup;\n`;
  const options: import("typescript").CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    paths: { [MODEL_MODULE]: [modelFile] },
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map([[modelFile, declarations], [checkFile, checkSrc]]);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = virtual.get(f);
    return text !== undefined ? ts.createSourceFile(f, text, lang) : getSourceFile.call(host, f, lang, ...rest);
  };
  const program = ts.createProgram([abs, checkFile], options, host);
  // modules the hook imports whose types are not installed are not the model's concern
  const errs = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error && !(d.code === 2307 && !String(d.messageText).includes(MODEL_MODULE)) && d.code !== 7016);
  if (errs.length > 0) {
    const d = errs[0]!;
    const more = errs.length > 1 ? ` (and ${errs.length - 1} more)` : "";
    // the check file's error means the default export does not fit the model's Setup
    throw new Error(d.file?.fileName === checkFile ? `its default export is not a Setup of this model: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}${more}` : where(d) + more);
  }
  const out = ts.transpileModule(src, { fileName: abs, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputText).toString("base64")}`);
}

// ---------------------------------------------------------------------------
// The driver

interface Pending {
  readonly gate: number;
  readonly given: Values;
  readonly offer: EnvOffer;
  readonly resolve: (v: unknown[]) => void;
}

/** Why the hooks stopped the run: a diagnostic is printed, exit status 1. */
class HookStop {
  constructor(readonly diags: DiagnosticBag) {}
}

/** What a node adds to the runner: where each gate's hooks may run, and a signal once the environment is in place. */
export interface HookPlacement {
  /** Why gate g's hooks cannot run here (another node's), or undefined. */
  readonly refuse?: (gate: number) => string | undefined;
  /** The environment is a party of its gates and has its first offers: the tasks may start. */
  readonly ready?: () => void;
}

export async function runWithHooks(
  hooksPath: string,
  b: Generation,
  run: EnvironmentRun,
  steps: number,
  needLabels: boolean,
  flush: () => void,
  io: CommandIO,
  placement: HookPlacement = {},
): Promise<RunResult | number> {
  const m = b.generated.manifest;
  const types = b.model.types;
  const gateByLabel = new Map<string, number>();
  m.gates.forEach((g, i) => g.visible && gateByLabel.set(g.label, i));
  const profileOf = (g: number, arity: number): TypeDecl[] | undefined => {
    const p = m.gates[g]!.profiles.find((x) => x.length === arity);
    return p?.map((name) => types.find((t) => t.name === name)!);
  };
  const siteOf = (g: number) => b.generated.sites.find((s) => s.gate === g)?.span;
  const fail = (msg: (typeof Msg)[keyof typeof Msg], g: number | undefined, args: (string | number)[]): HookStop => {
    const diags = new DiagnosticBag();
    diags.add(msg, g === undefined ? undefined : siteOf(g), args);
    return new HookStop(diags);
  };

  let failure: HookStop | undefined;
  let stopped = false;
  let stopReason = "stopped by the hooks";
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const pending: Pending[] = [];
  // a node reports its environment's actions between run() calls
  run.onActivity = poke;
  let hooks: Hooks;
  const hooked = new Map<number, GateHook>();

  const encodeAll = (gate: number, label: string, what: string, vals: Values, open: boolean): { types: TypeDecl[]; bytes: (Uint8Array | undefined)[] } => {
    const prof = profileOf(gate, vals.length);
    if (!prof) {
      const arities = m.gates[gate]!.profiles.map((p) => p.length).join(" or ");
      throw fail(Msg.HookBadValue, gate, [label, what, "-", `${vals.length} values where the gate takes ${arities}`, show(vals)]);
    }
    const bytes = vals.map((v, p) => {
      if (open && v === any) return undefined;
      try {
        return encodeValue(prof[p]!, v);
      } catch (err) {
        if (err instanceof BadValue) throw fail(Msg.HookBadValue, gate, [label, what, p + 1, err.message, show(vals)]);
        throw err;
      }
    });
    return { types: prof, bytes };
  };

  const env: Environment = {
    any,
    stop() {
      stopped = true;
      poke();
    },
    offer(gateName, values) {
      // A bad offer stops the run; its promise then never settles (a rejection nobody
      // awaits would end the process with a stack trace).
      return new Promise((resolveOffer) => {
        const make = () => {
          if (failure || stopped) return;
          try {
            const g = gateByLabel.get(String(gateName).toUpperCase());
            if (!Array.isArray(values)) throw fail(Msg.HookBadGate, g, ["offer", String(gateName), show(values), "the values must be an array"]);
            if (g === undefined) throw fail(Msg.HookBadGate, undefined, ["offer", String(gateName), show(values), "no such visible gate"]);
            if (!hooked.has(g)) throw fail(Msg.HookBadGate, g, ["offer", String(gateName), show(values), "the gate has no hook (add it to 'gates')"]);
            const { types: ty, bytes } = encodeAll(g, m.gates[g]!.label, "offer", values, true);
            pending.push({ gate: g, given: values, resolve: resolveOffer, offer: { gate: g, types: ty.map((t) => t.index), values: bytes, fallback: [], guard: false } });
          } catch (err) {
            if (err instanceof HookStop) failure ??= err;
            else throw err;
          }
          poke();
        };
        // offers made while the module sets up wait until its gates are known
        if (early) early.push(make);
        else make();
      });
    },
  };
  let early: (() => void)[] | undefined = [];

  // with hooks a run ends on Ctrl-C too, cleanly (the hook module's close is called)
  const onInterrupt = () => {
    stopReason = "interrupted";
    env.stop();
  };
  process.once("SIGINT", onInterrupt);
  try {
    const mod = (await loadModule(hooksPath, b.generated.declarations)) as { default?: unknown };
    const setup = mod.default;
    if (typeof setup !== "function") throw new Error("its default export must be a function (env) => hooks");
    const h = (await (setup as (e: Environment) => unknown)(env)) as Hooks | undefined;
    if (!h || typeof h !== "object" || typeof h.gates !== "object" || h.gates === null) throw new Error("the setup function must return { gates: { GATE: { accept?, supply?, onAction? } }, close? }");
    hooks = h;
  } catch (err) {
    const diags = new DiagnosticBag();
    diags.add(Msg.HookLoad, undefined, [hooksPath, err instanceof Error ? err.message : String(err)]);
    printDiagnostics(diags, io);
    process.removeListener("SIGINT", onInterrupt);
    return 1;
  }
  try {
    for (const [name, hook] of Object.entries(hooks.gates)) {
      const g = gateByLabel.get(name.toUpperCase());
      if (g === undefined) throw fail(Msg.HookBadGate, undefined, ["hook", name, "[]", "no such visible gate"]);
      const elsewhere = placement.refuse?.(g);
      if (elsewhere !== undefined) throw fail(Msg.HookBadGate, g, ["hook", name, "[]", elsewhere]);
      hooked.set(g, hook ?? {});
    }
    run.enableEnvironment([...hooked.keys()]);
    const made = early;
    early = undefined;
    for (const f of made) f();

    /** The standing offer of each hooked gate that consents by default, one per profile. */
    const standing: { offer: EnvOffer; hook: GateHook; ty: TypeDecl[] }[] = [];
    for (const [g, hook] of hooked) {
      if (hook.accept === false) continue;
      for (const p of m.gates[g]!.profiles) {
        const ty = p.map((name) => types.find((t) => t.name === name)!);
        standing.push({ hook, ty, offer: { gate: g, types: ty.map((t) => t.index), values: ty.map(() => undefined), fallback: [], guard: typeof hook.accept === "function" } });
      }
    }
    const supplied = (g: number, hook: GateHook, ty: TypeDecl[]): (Uint8Array | undefined)[] =>
      ty.map((t, pos) => {
        if (!hook.supply) return undefined;
        const label = m.gates[g]!.label;
        let v: unknown;
        try {
          v = hook.supply(pos);
        } catch (err) {
          throw fail(Msg.HookFailed, g, [label, "supply", err instanceof Error ? err.message : show(err), `position ${pos + 1}`]);
        }
        if (v === undefined || v === any) return undefined;
        try {
          return encodeValue(t, v);
        } catch (err) {
          if (err instanceof BadValue) throw fail(Msg.HookBadValue, g, [label, "supply", pos + 1, err.message, show(v)]);
          throw err;
        }
      });
    // standing offers first, then the pending offers: ids are indexes into `current`
    let current: EnvOffer[] = [];
    const setOffers = () => {
      // supply is asked again each time, so a hook may give fresh values
      for (const s of standing) if (s.hook.supply) s.offer = { ...s.offer, fallback: supplied(s.offer.gate, s.hook, s.ty) };
      current = [...standing.map((s) => s.offer), ...pending.map((p) => p.offer)];
      run.setEnvOffers(current);
    };
    run.onEnvAccept = (id, bytes) => {
      const s = standing[id];
      if (!s || typeof s.hook.accept !== "function") return true;
      const g = s.offer.gate;
      const vals = bytes.map((x, p) => decodeValue(types[s.offer.types[p]!]!, x));
      let ok: unknown;
      try {
        ok = s.hook.accept(vals);
      } catch (err) {
        throw fail(Msg.HookFailed, g, [m.gates[g]!.label, "accept", err instanceof Error ? err.message : show(err), show(vals)]);
      }
      if (typeof ok !== "boolean") throw fail(Msg.HookBadValue, g, [m.gates[g]!.label, "accept", "-", `${show(ok)} is not a boolean`, show(vals)]);
      return ok;
    };

    let left = steps;
    let result: RunResult;
    for (;;) {
      if (failure) throw failure;
      if (stopped) {
        flush();
        io.stderr.write(`${stopReason} after ${run.steps} action${run.steps === 1 ? "" : "s"}\n`);
        return 0;
      }
      setOffers();
      if (placement.ready) {
        const ready = placement.ready;
        placement = { ...placement, ready: undefined };
        ready();
      }
      const before = run.steps;
      result = run.run(Math.min(left, 4096), needLabels);
      left -= run.steps - before;
      if (result.end === "stopped" && result.stop.kind === "host" && result.stop.reason instanceof HookStop) throw result.stop.reason;
      if (result.end === "environment") {
        const g = result.gate;
        // by identity: on a node the offers may have been set again since they fired
        const fired = result.envOffer;
        const ty = fired.types;
        const vals = result.values.map((x, p) => decodeValue(types[ty[p]!]!, x));
        const k = pending.findIndex((p) => p.offer === fired);
        if (k >= 0) pending.splice(k, 1)[0]!.resolve(vals);
        const hook = hooked.get(g);
        if (hook?.onAction) {
          try {
            hook.onAction(vals);
          } catch (err) {
            throw fail(Msg.HookFailed, g, [m.gates[g]!.label, "onAction", err instanceof Error ? err.message : show(err), show(vals)]);
          }
        }
        if (left <= 0) return { end: "steps", steps: run.steps };
        // the hook's promises run before the next action
        flush();
        await new Promise((r) => setImmediate(r));
        continue;
      }
      if (result.end === "steps" && left > 0) {
        flush();
        await new Promise((r) => setImmediate(r));
        continue;
      }
      if (result.end !== "deadlock") return result;
      // no action now: the environment may still offer (an HTTP request arrives later)
      flush();
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  } catch (err) {
    if (err instanceof HookStop) {
      flush();
      printDiagnostics(err.diags, io);
      io.stderr.write(`the run stops: a hook misbehaved after ${run.steps} action${run.steps === 1 ? "" : "s"}\n`);
      return 1;
    }
    throw err;
  } finally {
    stopped = true;
    pending.length = 0;
    process.removeListener("SIGINT", onInterrupt);
    try {
      await hooks.close?.();
    } catch {
      // the run's outcome is already decided; a failing close changes nothing
    }
  }
}
