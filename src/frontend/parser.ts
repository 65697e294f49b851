// PLACEHOLDER: replaced by the real parser.
import type { Module } from "./ast.js";
import type { SourceFile } from "./source.js";
import type { DiagnosticBag } from "./diagnostics.js";

/** Parses one file into a module; reports syntax errors to `diags` and recovers where it can. */
export function parseModule(_file: SourceFile, _diags: DiagnosticBag): Module | undefined {
  throw new Error("parser not implemented yet");
}
