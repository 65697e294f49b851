// The protocol core's JS build as a node engine, on two nodes of one process over real
// gRPC streams: the shared pingpong model runs, every node reaches the verdict the model
// implies (deadlock: the ponger waits for ever), one network round trip per rendezvous, and
// the node logs merge into a trace that lntc trace-check accepts for pingpong.lnt.

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { TableOracle } from "../../runtime-as/protocol/index.js";
import { GrpcTransport } from "../../host/transport-grpc.js";
import { ProtocolEngine } from "../../host/node-engine-js.js";
import { runNode } from "../../host/node-shell.js";
import { logHeader, mergeLogs } from "../../host/trace-log.js";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";
import { sourceFile } from "../../src/frontend/source.js";
import { runCli } from "../util/run-cli.js";
import { sharedModels } from "../util/paths.js";
import { freePorts, tempDir } from "./helpers.js";
import { pingpongLayout, Pinger, Ponger } from "./pingpong-system.js";

test("pingpong on two nodes: the verdict, one round trip per rendezvous, and a trace pingpong.lnt accepts", { timeout: 30_000 }, async () => {
  const ports = await freePorts(2);
  const nodes = [
    { name: "a", host: "127.0.0.1", port: ports[0]! },
    { name: "b", host: "127.0.0.1", port: ports[1]! },
  ];
  const hash = Uint8Array.of(1, 2, 3);
  const layout = pingpongLayout("a", "b", "a");
  const rounds = 5;
  const logs: Record<string, string[]> = { a: [], b: [] };
  const engines = {
    a: new ProtocolEngine("a", layout, new Map([[0, new Pinger(rounds)]]), new TableOracle([256])),
    b: new ProtocolEngine("b", layout, new Map([[1, new Ponger()]]), new TableOracle([256])),
  };
  const said: string[] = [];
  const verdicts = await Promise.all(
    (["a", "b"] as const).map((name) =>
      runNode({
        transport: new GrpcTransport({ nodes, self: name, deploymentHash: hash, log: (l) => said.push(l) }),
        nodes: ["a", "b"],
        engine: engines[name],
        logHeader: logHeader(name, "010203"),
        log: (line) => logs[name]!.push(line),
        say: (l) => said.push(l),
      }),
    ),
  );
  assert.deepEqual(verdicts, [{ kind: "deadlock" }, { kind: "deadlock" }], said.join("\n"));
  assert.equal(engines.a.actions, 2 * rounds);
  // The manager is with the pinger: per rendezvous, the ponger's READY and its COMMIT cross.
  assert.equal(engines.a.networkMessages + engines.b.networkMessages, 2 * 2 * rounds + 1, "plus the ponger's last READY");
  const diags = new DiagnosticBag();
  const trace = mergeLogs([sourceFile("b.log", logs["b"]!.join("\n") + "\n"), sourceFile("a.log", logs["a"]!.join("\n") + "\n")], diags);
  assert.deepEqual(diags.items, []);
  assert.deepEqual(trace, ["PING !0", "PONG !1", "PING !1", "PONG !2", "PING !2", "PONG !3", "PING !3", "PONG !4", "PING !4", "PONG !5"]);
  const dir = tempDir("engine");
  const f = join(dir, "trace.seq");
  writeFileSync(f, trace!.join("\n") + "\n");
  const c = runCli(["trace-check", join(sharedModels, "pingpong.lnt"), f]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
});
