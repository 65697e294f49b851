// The protocol simulator's scenarios (src/protocol-sim/scenarios.ts: pingpong, philosophers,
// committee, paint, barrier, select, rings, ...) run for real, each node of the scenario's
// own placement with its GrpcTransport, node shell and protocol engine, in this process
// over loopback gRPC; checked by sim-distributed.ts's checkRun against the reference.

import { test } from "node:test";
import { TableOracle } from "../../runtime-as/protocol/index.js";
import type { SimSystem } from "../../src/protocol-sim/model.js";
import { GrpcTransport } from "../../host/transport-grpc.js";
import { ProtocolEngine, type TaskDriver } from "../../host/node-engine-js.js";
import { runNode } from "../../host/node-shell.js";
import { logHeader } from "../../host/trace-log.js";
import { allScenarios } from "../../src/protocol-sim/scenarios.js";
import { freePorts } from "./helpers.js";
import { checkRun, ownLayout, SimDriver } from "./sim-distributed.js";

async function runDistributed(sys: SimSystem): Promise<string> {
  const layout = ownLayout(sys);
  const names = [...new Set([...layout.taskNode, ...layout.managers.map((m) => m.node)])].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const ports = await freePorts(names.length);
  const nodes = names.map((name, i) => ({ name, host: "127.0.0.1", port: ports[i]! }));
  const drivers = sys.tasks.map((_, t) => new SimDriver(sys, t));
  const logs = new Map(names.map((n) => [n, [] as string[]]));
  const said: string[] = [];
  const engines = new Map(
    names.map((name) => {
      const mine = new Map<number, TaskDriver>();
      layout.taskNode.forEach((n, i) => {
        if (n === name) mine.set(i, drivers[i]!);
      });
      return [name, new ProtocolEngine(name, layout, mine, new TableOracle(sys.typeSizes))] as const;
    }),
  );
  const verdicts = await Promise.all(
    names.map((name) =>
      runNode({
        transport: new GrpcTransport({ nodes, self: name, deploymentHash: Uint8Array.of(7), log: (l) => said.push(`${name}: ${l}`) }),
        nodes: names,
        engine: engines.get(name)!,
        logHeader: logHeader(name, "07"),
        log: (line) => logs.get(name)!.push(line),
        say: (l) => said.push(`${name}: ${l}`),
      }),
    ),
  );
  const r = checkRun(
    sys,
    layout,
    verdicts.map((v) => v.kind),
    new Map([...logs].map(([n, ls]) => [n, ls.join("\n") + "\n"])),
    drivers.map((d) => ({ history: d.history, ended: d.ended, current: d.current() })),
    said.join("\n"),
  );
  const net = [...engines.values()].reduce((s, e) => s + e.networkMessages, 0);
  return `${names.length} nodes, ${r.verdict}, ${r.actions} actions, ${net} network messages`;
}

for (const sys of allScenarios()) {
  test(`distributed over gRPC: ${sys.name}`, { timeout: 20_000 }, async (t) => {
    t.diagnostic(await runDistributed(sys));
  });
}
