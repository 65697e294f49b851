// The front end's driver: source text -> tokens -> syntax tree -> checked
// model. It reads no file itself: the caller's host answers for imports, so
// tests run from memory and only the CLI touches the file system.

import { DiagnosticBag } from "./diagnostics.js";
import { Msg } from "./diagnostic-messages.js";
import { sourceFile, type SourceFile, type Span } from "./source.js";
import { parseModule } from "./parser.js";
import { checkModules } from "./checker.js";
import type { Module } from "./ast.js";
import type { Model } from "./model.js";

export interface FrontendHost {
  /** Reads a file; undefined when it does not exist. Throws on other I/O errors. */
  readFile(path: string): string | undefined;
  /**
   * The path of the file of module `name` beside `fromPath` (matched
   * case-insensitively), or undefined when there is none.
   */
  resolveImport(name: string, fromPath: string): string | undefined;
}

export interface FrontendResult {
  readonly model: Model | undefined;
  readonly diagnostics: DiagnosticBag;
  readonly modules: readonly Module[];
  /** True when a file could not be read at all (exit status 2, not 1). */
  readonly ioError: boolean;
}

export function loadModel(rootPath: string, host: FrontendHost): FrontendResult {
  const diags = new DiagnosticBag();
  let ioError = false;
  const modules: Module[] = [];
  const seen = new Map<string, Module | null>();

  const read = (path: string, importedAt: Span | undefined, name: string, from: string): SourceFile | undefined => {
    let text: string | undefined;
    try {
      text = host.readFile(path);
    } catch (err) {
      ioError = true;
      diags.add(Msg.CannotRead, importedAt, [path, err instanceof Error ? err.message : String(err)]);
      return undefined;
    }
    if (text === undefined) {
      ioError = true;
      if (importedAt) diags.add(Msg.ImportNotFound, importedAt, [name, from]);
      else diags.add(Msg.CannotRead, undefined, [path, "no such file"]);
      return undefined;
    }
    return sourceFile(path, text);
  };

  const visit = (path: string, importedAt: Span | undefined, name: string, from: string): void => {
    const key = path.toLowerCase();
    if (seen.has(key)) return;
    seen.set(key, null);
    const file = read(path, importedAt, name, from);
    if (!file) return;
    const mod = parseModule(file, diags);
    if (!mod) return;
    seen.set(key, mod);
    modules.push(mod);
    for (const imp of mod.imports) {
      const target = host.resolveImport(imp.text, path);
      if (target === undefined) {
        ioError = true;
        diags.add(Msg.ImportNotFound, imp.span, [imp.text, path]);
        continue;
      }
      visit(target, imp.span, imp.text, path);
    }
  };

  visit(rootPath, undefined, rootPath, rootPath);
  let model: Model | undefined;
  if (!diags.hasErrors() && modules.length > 0) model = checkModules(modules, diags);
  return { model: diags.hasErrors() ? undefined : model, diagnostics: diags, modules, ioError };
}

/** A host over an in-memory map of path -> text, for tests. */
export function memoryHost(files: Record<string, string>): FrontendHost {
  const byLower = new Map(Object.entries(files).map(([p, t]) => [p.toLowerCase(), { p, t }]));
  return {
    readFile: (path) => byLower.get(path.toLowerCase())?.t,
    resolveImport: (name, from) => {
      const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : "";
      const hit = byLower.get((dir + name + ".lnt").toLowerCase());
      return hit?.p;
    },
  };
}
