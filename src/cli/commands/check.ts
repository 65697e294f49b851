import { loadModel } from "../../frontend/index.js";
import { nodeHost } from "../host.js";
import { printDiagnostics } from "../diagnostics-output.js";
import { UsageError, boolOpt, type Command } from "../command.js";

export const checkCommand: Command = {
  name: "check",
  summary: "parse and check a model, reporting every error and warning",
  help: `Usage: lntc check [--quiet] MODEL.lnt

Parses MODEL.lnt and the modules it imports (M.lnt beside the importing file),
resolves names and checks types and static semantics.

Options:
  --quiet    print errors only, not warnings

Exit status: 0 no error (warnings allowed), 1 the model has errors, 2 usage or I/O error.`,
  options: { quiet: { type: "boolean" } },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError("lntc check takes exactly one model file");
    const path = args.positionals[0]!;
    const result = loadModel(path, nodeHost);
    printDiagnostics(result.diagnostics, io, { quietWarnings: boolOpt(args, "quiet") });
    if (result.ioError) return 2;
    return result.diagnostics.hasErrors() ? 1 : 0;
  },
};
