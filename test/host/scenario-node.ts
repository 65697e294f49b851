// One node process of a protocol-sim scenario under lntc's placement for K nodes (tasks
// round robin, gates by placeGates): GrpcTransport, node shell, protocol engine. Writes its
// tasks' firings and final states as JSON for the parent test to check. Config (JSON file):
// scenario (name), k, self, nodes, logPath, resultPath.

import { readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { TableOracle } from "../../runtime-as/protocol/index.js";
import { GrpcTransport } from "../../host/transport-grpc.js";
import type { NodeAddress } from "../../host/transport.js";
import { ProtocolEngine, type TaskDriver } from "../../host/node-engine-js.js";
import { describeVerdict, exitStatus, runNode } from "../../host/node-shell.js";
import { logHeader } from "../../host/trace-log.js";
import { allScenarios } from "../../src/protocol-sim/scenarios.js";
import { placedLayout, SimDriver } from "./sim-distributed.js";

interface Config {
  scenario: string;
  k: number;
  self: string;
  nodes: NodeAddress[];
  logPath: string;
  resultPath: string;
}

const cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Config;
const sys = allScenarios().find((s) => s.name === cfg.scenario)!;
const layout = placedLayout(sys, cfg.k);
const drivers = new Map<number, SimDriver>();
layout.taskNode.forEach((n, t) => {
  if (n === cfg.self) drivers.set(t, new SimDriver(sys, t));
});
writeFileSync(cfg.logPath, "");
const verdict = await runNode({
  transport: new GrpcTransport({ nodes: cfg.nodes, self: cfg.self, deploymentHash: Uint8Array.of(9) }),
  nodes: cfg.nodes.map((n) => n.name),
  engine: new ProtocolEngine(cfg.self, layout, drivers as Map<number, TaskDriver>, new TableOracle(sys.typeSizes)),
  logHeader: logHeader(cfg.self, "09"),
  log: (line) => appendFileSync(cfg.logPath, line + "\n"),
});
writeFileSync(cfg.resultPath, JSON.stringify({ verdict: verdict.kind, tasks: [...drivers].map(([t, d]) => ({ t, history: d.history, state: d.state, ended: d.ended })) }));
process.stdout.write(`${cfg.self}: ${describeVerdict(verdict)}\n`);
process.exit(exitStatus(verdict));
