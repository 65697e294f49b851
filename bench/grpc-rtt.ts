// The transport's floor and what a rendezvous costs on top of it, between two Node
// processes on loopback: round trips over raw TCP, over a raw grpc-js bidirectional
// stream, over lntc's GrpcTransport (framing, batching and the wire codec on the same
// stream), and sequential two-party rendezvous negotiated by the protocol core (JS build)
// between a task on each node, the gate's manager beside one of them. Exported for
// `npm run bench` (measureGrpcPingpong, measureTcpPingpong, measureTransportPingpong,
// measureRendezvous); run alone with `node dist/bench/grpc-rtt.js [seconds]`.

import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, connect as netConnect, type Socket } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GrpcTransport } from "../host/transport-grpc.js";
import type { NodeAddress } from "../host/transport.js";
import { ProtocolEngine, type SystemLayout, type TaskDriver } from "../host/node-engine-js.js";
import type { EngineOut } from "../host/node-shell.js";
import { GUARD_NONE, Offer, TableOracle } from "../runtime-as/protocol/index.js";

export interface RttFigures {
  readonly perSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly rssBytes: readonly number[];
  readonly samples: number;
  readonly note?: string;
}

export interface RttContext {
  readonly budgetMs?: number;
  readonly quick?: boolean;
  log?(line: string): void;
}

const METHOD = "/lntc.bench.Echo/Exchange";
const identity = (b: Buffer): Buffer => b;
const CHANNEL_OPTIONS = { "grpc.per_rpc_retry_buffer_size": 65536 };

function vmHWM(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function figures(samplesNs: number[], elapsedMs: number, pids: number[], note?: string): RttFigures {
  const s = [...samplesNs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]! / 1000;
  return { perSecond: (s.length * 1000) / elapsedMs, p50Us: at(0.5), p99Us: at(0.99), rssBytes: pids.map(vmHWM), samples: s.length, ...(note ? { note } : {}) };
}

/** Starts this file as an echo server of the given kind; resolves with its port. */
function startEcho(kind: string, extra: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", kind, ...extra], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let buf = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      const m = /port (\d+)/.exec(buf);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => reject(new Error(`echo server (${kind}) exited with ${code}`)));
  });
}

function stop(child: ChildProcess): void {
  child.removeAllListeners("exit");
  child.kill("SIGKILL");
}

/** Sequential round trips through `once` for about `budgetMs`, after a warm-up. */
async function pingpong(once: () => Promise<void>, budgetMs: number): Promise<{ samples: number[]; elapsedMs: number }> {
  for (let i = 0; i < 300; i++) await once();
  const samples: number[] = [];
  const t0 = performance.now();
  const end = t0 + budgetMs;
  while (performance.now() < end) {
    const s = process.hrtime.bigint();
    await once();
    samples.push(Number(process.hrtime.bigint() - s));
  }
  return { samples, elapsedMs: performance.now() - t0 };
}

function budget(ctx: RttContext): number {
  return ctx.budgetMs ?? (ctx.quick ? 500 : 2000);
}

/** A raw grpc-js bidirectional stream: 32-byte messages echoed one at a time. */
export async function measureGrpcPingpong(ctx: RttContext = {}): Promise<RttFigures> {
  const { child, port } = await startEcho("grpc");
  try {
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const call = client.makeBidiStreamRequest<Buffer, Buffer>(METHOD, identity, identity, new grpc.Metadata());
    call.on("error", () => {});
    let waiting: (() => void) | null = null;
    call.on("data", () => {
      const w = waiting;
      waiting = null;
      w?.();
    });
    const msg = Buffer.alloc(32, 7);
    const r = await pingpong(() => new Promise<void>((resolve) => {
      waiting = resolve;
      call.write(msg);
    }), budget(ctx));
    call.end();
    client.close();
    return figures(r.samples, r.elapsedMs, [process.pid, child.pid!], "raw grpc-js bidirectional stream, 32 B, two processes on loopback");
  } finally {
    stop(child);
  }
}

/** Raw TCP, 32-byte messages, Nagle off. */
export async function measureTcpPingpong(ctx: RttContext = {}): Promise<RttFigures> {
  const { child, port } = await startEcho("tcp");
  try {
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = netConnect({ host: "127.0.0.1", port, noDelay: true }, () => resolve(s));
      s.once("error", reject);
    });
    let got = 0;
    let waiting: (() => void) | null = null;
    sock.on("data", (d: Buffer) => {
      got += d.length;
      if (got >= 32) {
        got -= 32;
        const w = waiting;
        waiting = null;
        w?.();
      }
    });
    const msg = Buffer.alloc(32, 7);
    const r = await pingpong(() => new Promise<void>((resolve) => {
      waiting = resolve;
      sock.write(msg);
    }), budget(ctx));
    sock.destroy();
    return figures(r.samples, r.elapsedMs, [process.pid, child.pid!], "raw TCP, 32 B, two processes on loopback");
  } finally {
    stop(child);
  }
}

async function twoPorts(): Promise<[number, number]> {
  const get = (): Promise<number> =>
    new Promise((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
  return [await get(), await get()];
}

const HASH = Buffer.from("be7c4", "hex");

/** lntc's GrpcTransport between two nodes: one 9-byte protocol message (a COMMIT's size) each way. */
export async function measureTransportPingpong(ctx: RttContext = {}): Promise<RttFigures> {
  const [pa, pb] = await twoPorts();
  const nodes: NodeAddress[] = [
    { name: "a", host: "127.0.0.1", port: pa },
    { name: "b", host: "127.0.0.1", port: pb },
  ];
  const { child } = await startEcho("transport", [String(pa), String(pb)]);
  const t = new GrpcTransport({ nodes, self: "a", deploymentHash: HASH, log: () => {} });
  try {
    let waiting: (() => void) | null = null;
    t.onMessages(() => {
      const w = waiting;
      waiting = null;
      w?.();
    });
    await t.start();
    const msg = [{ toManager: false, to: 1, payload: new Uint8Array(9).fill(3) }];
    const r = await pingpong(() => new Promise<void>((resolve) => {
      waiting = resolve;
      t.send("b", msg);
    }), budget(ctx));
    return figures(r.samples, r.elapsedMs, [process.pid, child.pid!], "lntc GrpcTransport (Batch frames over one grpc-js stream), two processes on loopback");
  } finally {
    await t.close();
    stop(child);
  }
}

/** Tasks 0 (node a) and 1 (node b) synchronize on gate 0 for ever; its manager is on a. */
const RDV_LAYOUT: SystemLayout = {
  taskCount: 2,
  taskNode: ["a", "b"],
  gateManager: [0],
  managers: [{ node: "a", gates: [0], vectors: [[[0, 1]]] }],
  taskNames: ["T0", "T1"],
  label: () => "G",
};

class Loop implements TaskDriver {
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

function engineOut(t: GrpcTransport): EngineOut {
  return { send: (node, ms) => t.send(node, ms), action: () => {}, refuse: () => {} };
}

/**
 * Sequential two-party rendezvous between a task on each of two nodes (one network round
 * trip each: the remote task's READY, then its COMMIT), timed between consecutive firings
 * of the local task.
 */
export async function measureRendezvous(ctx: RttContext = {}): Promise<RttFigures & { messagesPerRendezvous: number }> {
  const [pa, pb] = await twoPorts();
  const nodes: NodeAddress[] = [
    { name: "a", host: "127.0.0.1", port: pa },
    { name: "b", host: "127.0.0.1", port: pb },
  ];
  const { child } = await startEcho("rendezvous", [String(pa), String(pb)]);
  const t = new GrpcTransport({ nodes, self: "a", deploymentHash: HASH, log: () => {} });
  const stamps: bigint[] = [];
  let recording = false;
  const driver = new Loop(() => {
    if (recording) stamps.push(process.hrtime.bigint());
  });
  const engine = new ProtocolEngine("a", RDV_LAYOUT, new Map([[0, driver]]), new TableOracle([]));
  t.onMessages((from, ms) => engine.deliver(from, ms));
  try {
    await t.start();
    engine.start(engineOut(t));
    await new Promise((r) => setTimeout(r, 300));
    const before = { actions: engine.actions, msgs: engine.localMessages + engine.networkMessages };
    recording = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, budget(ctx)));
    recording = false;
    const elapsed = performance.now() - t0;
    const samples: number[] = [];
    for (let i = 1; i < stamps.length; i++) samples.push(Number(stamps[i]! - stamps[i - 1]!));
    const actions = engine.actions - before.actions;
    // The remote task's messages are counted on node a too: its READY arrives, its COMMIT leaves.
    const msgs = engine.localMessages + engine.networkMessages - before.msgs;
    const f = figures(samples, elapsed, [process.pid, child.pid!], "two tasks on two nodes, one gate, manager with T0; protocol core (JS build) over lntc's GrpcTransport");
    return { ...f, messagesPerRendezvous: actions > 0 ? (msgs + actions) / actions : 0 };
  } finally {
    await t.close();
    stop(child);
  }
}

async function serve(kind: string, args: string[]): Promise<void> {
  if (kind === "grpc") {
    const server = new grpc.Server();
    server.addService(
      { Exchange: { path: METHOD, requestStream: true, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
      { Exchange: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => call.on("data", (b: Buffer) => call.write(b)) },
    );
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    process.stdout.write(`port ${port}\n`);
  } else if (kind === "tcp") {
    const server = createServer({ noDelay: true }, (s) => s.on("data", (d) => s.write(d)));
    server.listen(0, "127.0.0.1", () => process.stdout.write(`port ${(server.address() as { port: number }).port}\n`));
  } else if (kind === "rendezvous") {
    const [pa, pb] = args.map(Number);
    const t = new GrpcTransport({
      nodes: [
        { name: "a", host: "127.0.0.1", port: pa! },
        { name: "b", host: "127.0.0.1", port: pb! },
      ],
      self: "b",
      deploymentHash: HASH,
      log: () => {},
    });
    const engine = new ProtocolEngine("b", RDV_LAYOUT, new Map([[1, new Loop()]]), new TableOracle([]));
    t.onMessages((from, ms) => engine.deliver(from, ms));
    t.onPeerDown(() => process.exit(0));
    t.onPeerLeft(() => process.exit(0));
    process.stdout.write(`port ${pb}\n`);
    await t.start();
    engine.start(engineOut(t));
  } else {
    const [pa, pb] = args.map(Number);
    const t = new GrpcTransport({
      nodes: [
        { name: "a", host: "127.0.0.1", port: pa! },
        { name: "b", host: "127.0.0.1", port: pb! },
      ],
      self: "b",
      deploymentHash: HASH,
      log: () => {},
    });
    t.onMessages((from, ms) => t.send(from, ms));
    t.onPeerDown(() => process.exit(0));
    t.onPeerLeft(() => process.exit(0));
    process.stdout.write(`port ${pb}\n`);
    await t.start();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--serve") return serve(argv[1]!, argv.slice(2));
  const seconds = Number(argv[0] ?? "2");
  const ctx: RttContext = { budgetMs: seconds * 1000 };
  const fmt = (name: string, f: RttFigures): string =>
    `${name.padEnd(16)} p50 ${f.p50Us.toFixed(0).padStart(5)} µs  p99 ${f.p99Us.toFixed(0).padStart(5)} µs  ${f.perSecond.toFixed(0).padStart(6)} round trips/s  (${f.samples} samples)`;
  const tcp = await measureTcpPingpong(ctx);
  process.stdout.write(fmt("raw TCP", tcp) + "\n");
  const g = await measureGrpcPingpong(ctx);
  process.stdout.write(fmt("raw gRPC stream", g) + "\n");
  const tr = await measureTransportPingpong(ctx);
  process.stdout.write(fmt("lntc transport", tr) + "\n");
  const rdv = await measureRendezvous(ctx);
  process.stdout.write(fmt("rendezvous", rdv).replace("round trips/s", "rendezvous/s ") + `  ${rdv.messagesPerRendezvous.toFixed(2)} msgs/rdv\n`);
  process.stdout.write(`gRPC / TCP p50: ${(g.p50Us / tcp.p50Us).toFixed(2)}x; transport / gRPC p50: ${(tr.p50Us / g.p50Us).toFixed(2)}x; rendezvous / gRPC p50: ${(rdv.p50Us / g.p50Us).toFixed(2)}x\n`);
  process.exit(0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
