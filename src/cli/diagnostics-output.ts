// Prints diagnostics the way the user reads them, and turns them into an exit status.

import { renderDiagnostic, type DiagnosticBag } from "../frontend/diagnostics.js";
import type { CommandIO } from "./command.js";

export function printDiagnostics(diags: DiagnosticBag, io: CommandIO, opts: { quietWarnings?: boolean } = {}): void {
  const color = Boolean(io.stderr.isTTY) && !process.env["NO_COLOR"];
  for (const d of diags.sorted()) {
    if (opts.quietWarnings && d.severity !== "error") continue;
    io.stderr.write(renderDiagnostic(d, { color }) + "\n");
  }
  const errors = diags.errorCount;
  const warnings = diags.items.filter((d) => d.severity === "warning").length;
  if (errors > 0 || (warnings > 0 && !opts.quietWarnings)) {
    const parts: string[] = [];
    if (errors > 0) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
    if (warnings > 0 && !opts.quietWarnings) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
    io.stderr.write(parts.join(", ") + "\n");
  }
}
