// A node for the node-shell tests: runs host/node-shell.ts over a GrpcTransport with a toy
// engine, a token passed round a ring of nodes (one task per node), and exits with the
// shell's status. Config (JSON file): nodes, self, rounds, mode, logPath, hopDelayMs, and
// optionally steps (the shell's bound on the run's actions) and stopOnStdin (a number N on
// standard input stops every node with the verdict "step limit of N actions").
//   mode "terminate": every task ends after its last hop -> "terminated" on every node
//   mode "deadlock":  the last receiver waits for ever -> "deadlock" on every node

import { readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { GrpcTransport } from "../../host/transport-grpc.js";
import type { NodeAddress, WireMessage } from "../../host/transport.js";
import { describeVerdict, exitStatus, runNode, type EngineOut, type NodeEngine, type Verdict } from "../../host/node-shell.js";
import { logHeader } from "../../host/trace-log.js";

interface Config {
  nodes: NodeAddress[];
  self: string;
  rounds: number;
  mode: "terminate" | "deadlock";
  logPath: string;
  hopDelayMs: number;
  steps?: number;
  stopOnStdin?: boolean;
}

const cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Config;
const names = cfg.nodes.map((n) => n.name);
const me = names.indexOf(cfg.self);
const next = names[(me + 1) % names.length]!;
const limit = cfg.rounds * names.length;

class TokenRing implements NodeEngine {
  private out: EngineOut | null = null;
  private seq = 0;
  private ended = false;
  private pending = 0;
  start(out: EngineOut): void {
    this.out = out;
    process.stdout.write(JSON.stringify({ ev: "started" }) + "\n");
    if (me === 0) this.forward(1);
  }
  private forward(v: number): void {
    this.pending++;
    setTimeout(() => {
      this.pending--;
      this.seq++;
      this.out!.send(next, [{ toManager: false, to: 0, payload: Buffer.from(JSON.stringify({ v, seq: this.seq })) }]);
      // It receives again at v + n - 1, unless that is past the end.
      if (v + names.length - 1 > limit) this.ended = true;
    }, cfg.hopDelayMs);
  }
  deliver(from: string, ms: readonly WireMessage[]): void {
    for (const m of ms) {
      const { v, seq } = JSON.parse(Buffer.from(m.payload).toString()) as { v: number; seq: number };
      this.seq++;
      this.out!.action([{ task: `T_${from}`, seq }, { task: `T_${cfg.self}`, seq: this.seq }], `TOKEN !${v}`);
      if (v < limit) this.forward(v + 1);
      else if (cfg.mode === "terminate") this.ended = true;
    }
  }
  status(): "busy" | "waiting" | "ended" {
    return this.pending > 0 ? "busy" : this.ended ? "ended" : "waiting";
  }
  stop(): void {}
}

const transport = new GrpcTransport({ nodes: cfg.nodes, self: cfg.self, deploymentHash: Buffer.from("70ce", "hex"), startTimeoutMs: 5000 });
writeFileSync(cfg.logPath, "");
const stop = cfg.stopOnStdin
  ? new Promise<Verdict>((resolve) => process.stdin.on("data", (d: Buffer) => resolve({ kind: "step-limit", steps: Number(d.toString().trim()) })))
  : undefined;
const verdict = await runNode({
  transport,
  nodes: names,
  engine: new TokenRing(),
  ...(cfg.steps !== undefined ? { steps: cfg.steps } : {}),
  ...(stop !== undefined ? { stop } : {}),
  logHeader: logHeader(cfg.self, "70ce"),
  log: (line) => appendFileSync(cfg.logPath, line + "\n"),
});
process.stdout.write(`${cfg.self}: ${describeVerdict(verdict)}\n`);
process.exit(exitStatus(verdict));
