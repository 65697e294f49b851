// What the host tests share: free ports, spawning test nodes and reading their JSON
// events, and a raw HTTP/2 gRPC client for speaking to a node the way no lntc node would.

import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect as netConnect } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import http2 from "node:http2";

export const here = dirname(fileURLToPath(import.meta.url));

export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<import("node:net").Server>((resolve, reject) => {
        const s = createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => resolve(s));
      }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `lntc-${prefix}-`));
}

export interface Ev {
  ev: string;
  [k: string]: unknown;
}

export class TestNode {
  readonly events: Ev[] = [];
  stderr = "";
  exitCode: number | null = null;
  exitedAt = 0;
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(readonly name: string, readonly proc: ChildProcess) {
    let buf = "";
    proc.stdout!.setEncoding("utf8");
    proc.stdout!.on("data", (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          this.events.push(JSON.parse(line) as Ev);
        } catch {
          this.stderr += `(stdout) ${line}\n`;
        }
        this.wake();
      }
    });
    proc.stderr!.setEncoding("utf8");
    proc.stderr!.on("data", (d: string) => {
      this.stderr += d;
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      proc.on("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        this.exitedAt = Date.now();
        this.wake();
        resolve(this.exitCode);
      }),
    );
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(cmd: object): void {
    this.proc.stdin!.write(JSON.stringify(cmd) + "\n");
  }

  /** Waits until `pred` holds over the events (or stderr), or fails after `ms`. */
  async until<T>(what: string, pred: () => T | undefined | false, ms = 5000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = pred();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`node ${this.name}: timed out waiting for ${what}; stderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  find(ev: string, pred: (e: Ev) => boolean = () => true): Ev | undefined {
    return this.events.find((e) => e.ev === ev && pred(e));
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.exitCode === null) this.proc.kill(signal);
  }
}

export interface NodeSpec {
  name: string;
  host: string;
  port: number;
}

export function deploymentFor(names: readonly string[], ports: readonly number[], host = "127.0.0.1"): NodeSpec[] {
  return names.map((name, i) => ({ name, host, port: ports[i]! }));
}

/** Starts test/host/transport-node.js for one node; `prefix` runs it under a wrapper (ip netns exec). */
export function startNode(dir: string, nodes: NodeSpec[], self: string, extra: object = {}, prefix: string[] = []): TestNode {
  const cfgPath = join(dir, `${self}.json`);
  writeFileSync(cfgPath, JSON.stringify({ nodes, self, hash: "ab12", ...extra }));
  const script = join(here, "transport-node.js");
  const argv = [...prefix, process.execPath, script, cfgPath];
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  return new TestNode(self, proc);
}

/** A gRPC message frame: uncompressed flag, big-endian length, bytes. */
export function grpcFrame(b: Uint8Array): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt32BE(b.length, 1);
  return Buffer.concat([h, b]);
}

/** A raw gRPC Exchange call over HTTP/2, optionally from a chosen local address. */
export function rawExchange(host: string, port: number, localAddress?: string): { stream: http2.ClientHttp2Stream; session: http2.ClientHttp2Session; frames: Buffer[]; status: Promise<string> } {
  const session = http2.connect(`http://${host}:${port}`, {
    createConnection: () => netConnect({ host, port, ...(localAddress ? { localAddress } : {}) }),
  });
  session.on("error", () => {});
  const stream = session.request({ ":method": "POST", ":path": "/lntc.wire.Node/Exchange", "content-type": "application/grpc", te: "trailers" });
  const frames: Buffer[] = [];
  let pending = Buffer.alloc(0);
  stream.on("data", (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
      const n = pending.readUInt32BE(1);
      frames.push(pending.subarray(5, 5 + n));
      pending = pending.subarray(5 + n);
    }
  });
  stream.on("error", () => {});
  const status = new Promise<string>((resolve) => {
    stream.on("trailers", (h) => resolve(`${String(h["grpc-status"])} ${String(h["grpc-message"] ?? "")}`));
    stream.on("response", (h) => {
      if (h["grpc-status"] !== undefined) resolve(`${String(h["grpc-status"])} ${String(h["grpc-message"] ?? "")}`);
    });
    stream.on("close", () => resolve("closed"));
  });
  return { stream, session, frames, status };
}

export async function withNodes<T>(nodes: TestNode[], f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } finally {
    for (const n of nodes) n.kill();
    await Promise.all(nodes.map((n) => Promise.race([n.exited, new Promise((r) => setTimeout(r, 2000))])));
  }
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitForPort(host: string, port: number, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = netConnect({ host, port });
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
