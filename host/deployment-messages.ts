// The diagnostics of the distributed host: deployment files, placement against a model,
// node logs. Same shape and rules as src/frontend/diagnostic-messages.ts (stable codes,
// never renumbered, new entries at the end); kept here, in the 8000-8999 range, so that
// the host's catalogue grows without touching the front end's file. To be merged into the
// main catalogue once the backend's 7000s have settled.

import type { DiagnosticMessage } from "../src/frontend/diagnostic-messages.js";

function e(code: number, text: string): DiagnosticMessage {
  return { code, severity: "error", text };
}
function w(code: number, text: string): DiagnosticMessage {
  return { code, severity: "warning", text };
}

export const HostMsg = {
  // ---- 8000-8099: deployment files ---------------------------------------
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

  // ---- 8100-8199: node logs and trace merging ------------------------------
  LogBadHeader: e(8101, "not an lntc node log: the first line must be '# lntc-log 1 node=NAME deployment=HASH'"),
  LogBadLine: e(8102, "malformed log line: {0}"),
  LogTwoActions: e(8103, "task '{0}' has two different actions at its step {1} (the other at {2})"),
  LogLabelMismatch: e(8104, "the same action is logged with two labels: '{0}' here, '{1}' at {2}"),
  LogCycle: e(8105, "the logs order these actions in a cycle: {0}"),
  LogGap: e(8106, "task '{0}' has no action at step {1} but has one at step {2}: is a node's log missing?"),
  LogOtherDeployment: e(8107, "this log is from deployment {0}, the first log from {1}"),
} as const satisfies Record<string, DiagnosticMessage>;
