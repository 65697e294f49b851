// PLACEHOLDER: replaced by the real checker.
import type { Module } from "./ast.js";
import type { Model } from "./model.js";
import type { DiagnosticBag } from "./diagnostics.js";

/**
 * Checks a program: `modules[0]` is the root module, the others every module
 * it imports, directly or not. Returns the checked model when no error was found.
 */
export function checkModules(_modules: readonly Module[], _diags: DiagnosticBag): Model | undefined {
  throw new Error("checker not implemented yet");
}
