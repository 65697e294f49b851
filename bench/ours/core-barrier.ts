// An N-party barrier negotiated by the protocol core (JS build) over lntc's GrpcTransport,
// one task per node, N Node processes on loopback, the gate's manager on node 0: the
// distributed barrier of scenario 2 as far as the runtime goes before `lntc run --nodes`
// runs compiled tasks. Latency is the time between consecutive firings on node 0;
// messages per rendezvous are every node's protocol sends over the rendezvous fired.
//
//   node dist/bench/ours/core-barrier.js node I N PORTS BUDGET_MS   (one node's role)

import { fileURLToPath } from "node:url";
import { GrpcTransport } from "../../host/transport-grpc.js";
import type { NodeAddress } from "../../host/transport.js";
import { ProtocolEngine, type SystemLayout, type TaskDriver } from "../../host/node-engine-js.js";
import { GUARD_NONE, Offer, TableOracle } from "../../runtime-as/protocol/index.js";
import { freeLoopbackPorts } from "../../host/node-local.js";
import type { Figures, NotAvailable, RunContext } from "../harness/types.js";
import { notAvailable } from "../harness/types.js";
import { lastJson, lastLine, peakRssSelf, runChild } from "../harness/proc.js";
import { Reservoir, summarize } from "../harness/stats.js";

const HASH = Uint8Array.of(0xba, 0x55, 0x1e);

function layout(n: number): SystemLayout {
  const tasks = Array.from({ length: n }, (_, i) => i);
  return {
    taskCount: n,
    taskNode: tasks.map((i) => `n${i}`),
    gateManager: [0],
    managers: [{ node: "n0", gates: [0], vectors: [[tasks]] }],
    taskNames: tasks.map((i) => `WORKER${i}`),
    label: () => "STEP",
  };
}

/** A worker offering STEP for ever (no values: the barrier's cost is the negotiation). */
class Worker implements TaskDriver {
  fired = 0;
  constructor(private readonly onFire: () => void = () => {}) {}
  offers(): { offers: Offer[]; internal: boolean } {
    return { offers: [new Offer(0, 0, GUARD_NONE, new Uint8Array(0), [])], internal: false };
  }
  fire(): void {
    this.fired++;
    this.onFire();
  }
}

async function node(i: number, n: number, ports: number[], budgetMs: number): Promise<void> {
  const nodes: NodeAddress[] = ports.map((port, k) => ({ name: `n${k}`, host: "127.0.0.1", port }));
  const t = new GrpcTransport({ nodes, self: `n${i}`, deploymentHash: HASH, log: () => {}, startTimeoutMs: 60_000, peerTimeoutMs: 30_000 });
  const lat = new Reservoir();
  let last = 0n;
  let recording = false;
  let recorded = 0;
  const worker = new Worker(() => {
    if (i !== 0) return;
    const now = process.hrtime.bigint();
    if (recording && last !== 0n) {
      lat.add(Number(now - last) / 1000);
      recorded++;
    }
    last = now;
  });
  const engine = new ProtocolEngine(`n${i}`, layout(n), new Map([[i, worker]]), new TableOracle([]));
  // Peers that started first may send before this engine runs: hold their messages.
  let early: { from: string; ms: Parameters<typeof engine.deliver>[1] }[] | null = [];
  t.onMessages((from, ms) => (early ? early.push({ from, ms }) : engine.deliver(from, ms)));
  const report = (extra: object = {}): void => {
    process.stdout.write(JSON.stringify({ node: i, sent: engine.localMessages + engine.networkMessages, fired: worker.fired, maxRssBytes: peakRssSelf(), ...extra }) + "\n");
  };
  if (i !== 0) {
    const bye = (): void => {
      report();
      process.exit(0);
    };
    t.onPeerLeft(bye);
    t.onPeerDown(bye);
  }
  await t.start();
  engine.start({ send: (to, ms) => t.send(to, ms), action: () => {}, refuse: (why) => {
    process.stderr.write(`node ${i}: ${why}\n`);
    process.exit(3);
  } });
  const held = early;
  early = null;
  for (const e of held) engine.deliver(e.from, e.ms);
  if (i !== 0) return;
  await new Promise((r) => setTimeout(r, Math.min(1000, budgetMs / 10)));
  recording = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, budgetMs));
  recording = false;
  const s = summarize(lat.values(), recorded, performance.now() - t0);
  report({ perSecond: s.perSecond, p50Us: s.p50Us, p99Us: s.p99Us, samples: s.samples });
  await t.close();
  process.exit(0);
}

export function measureCoreBarrier(n: number): (ctx: RunContext) => Promise<Figures | NotAvailable> {
  return async (ctx) => {
    const ports = await freeLoopbackPorts(n);
    const script = fileURLToPath(import.meta.url);
    const limit = ctx.budgetMs * 2 + 40_000;
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => runChild(process.execPath, [script, "node", String(i), String(n), ports.join(","), String(Math.round(ctx.budgetMs))], { timeoutMs: limit })));
    const reports = runs.map((r) => lastJson(r.stdout));
    const head = reports[0];
    if (!head || typeof head["p50Us"] !== "number") {
      const bad = runs.find((r) => r.code !== 0) ?? runs[0]!;
      return notAvailable(`the ${n}-node barrier failed: ${lastLine(bad.stderr) || (bad.timedOut ? "timed out" : `exit ${bad.code}`)}`);
    }
    const fired = Number(head["fired"]);
    const sent = reports.reduce((sum, r) => sum + Number(r?.["sent"] ?? NaN), 0);
    return {
      perSecond: Number(head["perSecond"]),
      p50Us: Number(head["p50Us"]),
      p99Us: Number(head["p99Us"]),
      samples: Number(head["samples"]),
      messagesPerRendezvous: fired > 0 ? sent / fired : NaN,
      rssBytes: reports.map((r, i) => Number(r?.["maxRssBytes"] ?? runs[i]!.peakRssBytes ?? NaN)),
      note: `${n} node processes, manager on node 0; not lntc run: JS tasks, no Wasm`,
    };
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "node") {
  const [i, n, ports, budget] = process.argv.slice(3);
  await node(Number(i), Number(n), ports!.split(",").map(Number), Number(budget));
}
