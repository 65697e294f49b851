// A node for the transport tests: runs a GrpcTransport from a JSON config file, prints
// what happens as JSON lines on standard output, and obeys JSON commands on standard
// input (send, echo, exit). On a peer down it says which and exits 4, as a node does.

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { GrpcTransport } from "../../host/transport-grpc.js";
import { StartupTimeout, type NodeAddress } from "../../host/transport.js";

interface Config {
  nodes: NodeAddress[];
  self: string;
  hash: string;
  tlsDir?: string;
  startTimeoutMs?: number;
  peerTimeoutMs?: number;
}

const cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Config;
const out = (ev: object): void => void process.stdout.write(JSON.stringify(ev) + "\n");
const tls = cfg.tlsDir
  ? {
      ca: readFileSync(join(cfg.tlsDir, "ca.pem")),
      cert: readFileSync(join(cfg.tlsDir, `${cfg.self}.pem`)),
      key: readFileSync(join(cfg.tlsDir, `${cfg.self}-key.pem`)),
    }
  : undefined;
const t = new GrpcTransport({
  nodes: cfg.nodes,
  self: cfg.self,
  deploymentHash: Buffer.from(cfg.hash, "hex"),
  tls,
  startTimeoutMs: cfg.startTimeoutMs ?? 5000,
  peerTimeoutMs: cfg.peerTimeoutMs ?? 1500,
  log: (line) => {
    process.stderr.write(`lntc node ${cfg.self}: ${line}\n`);
    out({ ev: "log", line });
  },
});
let echo = false;
t.onMessages((from, ms) => {
  if (echo) t.send(from, ms);
  out({ ev: "batch", from, count: ms.length, first: Buffer.from(ms[0]!.payload).toString("hex"), last: Buffer.from(ms[ms.length - 1]!.payload).toString("hex"), to: ms[0]!.to, toManager: ms[0]!.toManager });
});
t.onControl((from, kind, payload) => out({ ev: "control", from, kind, payload: Buffer.from(payload).toString("hex") }));
t.onPeerDown((peer, reason) => {
  process.stderr.write(`lntc node ${cfg.self}: node ${peer} is down (${reason}); stopping\n`);
  out({ ev: "down", peer, reason });
  void t.close().finally(() => process.exit(4));
});
t.onPeerLeft((peer) => out({ ev: "left", peer }));
process.on("SIGTERM", () => void t.close().finally(() => process.exit(0)));

try {
  await t.start();
} catch (err) {
  if (err instanceof StartupTimeout) {
    process.stderr.write(`lntc node ${cfg.self}: ${err.message}\n`);
    out({ ev: "timeout", missing: err.missing });
    await t.close();
    process.exit(3);
  }
  throw err;
}
out({ ev: "up", port: t.boundPort });

interface Cmd {
  send?: string;
  count?: number;
  control?: number;
  echo?: boolean;
  stats?: boolean;
  exit?: number;
}
for await (const line of createInterface({ input: process.stdin })) {
  const c = JSON.parse(line) as Cmd;
  if (c.echo !== undefined) echo = c.echo;
  if (c.send !== undefined && c.control !== undefined) t.sendControl(c.send, c.control, Buffer.from("hi"));
  else if (c.send !== undefined) {
    // All in one turn of the event loop: the transport is free to batch them.
    for (let i = 0; i < (c.count ?? 1); i++) {
      const p = Buffer.alloc(4);
      p.writeUInt32BE(i);
      t.send(c.send, [{ toManager: i % 2 === 0, to: i % 7, payload: p }]);
    }
  }
  if (c.stats) out({ ev: "stats", refusedFrames: t.refusedFrames, refusedConnections: t.refusedConnections });
  if (c.exit !== undefined) {
    await t.close();
    process.exit(c.exit);
  }
}
await t.close();
