// What every command that runs a model does first: load and check it, then find the root
// process: the model's root (MAIN, without parameters), or the call given with --root.
// On failure the diagnostics are printed and the exit status returned.

import { loadModel } from "../frontend/index.js";
import { checkRootCall } from "../frontend/checker.js";
import { DiagnosticBag } from "../frontend/diagnostics.js";
import { Msg } from "../frontend/diagnostic-messages.js";
import type { Expr, Model, ProcessDecl } from "../frontend/model.js";
import { nodeHost } from "./host.js";
import { printDiagnostics } from "./diagnostics-output.js";
import type { CommandIO } from "./command.js";

export interface RootedModel {
  readonly model: Model;
  readonly root: ProcessDecl;
  /** The root call's arguments (none for the model's own root). */
  readonly args: readonly Expr[];
}

/** Exit statuses: 1 the model is wrong (or has no root), 2 an unreadable file or a bad --root. */
export function loadRooted(path: string, rootCall: string | undefined, io: CommandIO): RootedModel | number {
  const result = loadModel(path, nodeHost);
  if (!result.model || result.diagnostics.hasErrors()) {
    printDiagnostics(result.diagnostics, io, { quietWarnings: true });
    return result.ioError ? 2 : 1;
  }
  const model = result.model;
  const diags = new DiagnosticBag();
  if (rootCall !== undefined) {
    const r = checkRootCall(model, rootCall, diags);
    if (!r || diags.hasErrors()) {
      printDiagnostics(diags, io, { quietWarnings: true });
      return 2;
    }
    return { model, root: r.process, args: r.args };
  }
  const root = model.root;
  if (!root) diags.add(Msg.NoRootProcess, undefined);
  else if (root.params.length > 0) diags.add(Msg.RootHasParams, root.span, [root.name]);
  if (!root || diags.hasErrors()) {
    printDiagnostics(diags, io, { quietWarnings: true });
    return 1;
  }
  return { model, root, args: [] };
}
