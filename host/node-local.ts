// K node processes on this machine, for `lntc run --nodes K`: ports chosen by the OS, the
// deployment written to a file every node reads, each node's standard output relayed line
// by line, lines written to a node's standard input on request (`lntc node
// --control-stdin`), Ctrl-C forwarded (the nodes then stop each other), and one exit
// status for all.

import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Deployment } from "./deployment.js";

/** The deployment as the JSON file `lntc node --deploy` reads. */
export function deploymentJson(d: Deployment): string {
  const obj: Record<string, unknown> = {
    nodes: d.nodes.map((n) => ({ name: n.name, address: n.address })),
    tasks: Object.fromEntries(d.tasks.map((p) => [p.name, p.node])),
  };
  if (d.gates.length > 0) obj["gates"] = Object.fromEntries(d.gates.map((p) => [p.name, p.node]));
  if (d.hooks.length > 0) obj["hooks"] = Object.fromEntries(d.hooks.map((p) => [p.name, p.node]));
  obj["options"] = d.options;
  return JSON.stringify(obj, null, 2) + "\n";
}

/** Ports free on 127.0.0.1 now (the OS's choice; a small race until the nodes bind them). */
export async function freeLoopbackPorts(k: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: k }, () => new Promise<import("node:net").Server>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(0, "127.0.0.1", () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface LocalNodesOptions {
  /** The `lntc` entry point (dist/src/cli/bin.js). */
  readonly cli: string;
  readonly deployment: Deployment;
  /** Where the deployment file (and anything else per run) goes. */
  readonly dir: string;
  /** Arguments after `lntc node --deploy FILE --name N`. */
  readonly nodeArgs: (name: string) => readonly string[];
  /** Each line a node prints on standard output / standard error. */
  readonly onStdout?: (node: string, line: string) => void;
  readonly onStderr?: (node: string, line: string) => void;
  /**
   * Given: every node's standard input is a pipe from here (closed when this process goes,
   * which a node run with --control-stdin takes as 'stop'), and this is called once the
   * nodes are spawned with a way to write a line to one of them. Otherwise standard input
   * is closed.
   */
  readonly control?: (tell: (node: string, line: string) => void) => void;
  /** A node exited (its status, -1 if killed by a signal), while others may still run. */
  readonly onExit?: (node: string, code: number) => void;
}

export interface LocalNodesResult {
  /** Per node, its exit status (-1 if killed by a signal). */
  readonly codes: readonly number[];
  /** The common status, or the largest when the nodes disagree. */
  readonly code: number;
}

function lines(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let buf = "";
  stream.setEncoding("utf8");
  stream.on("data", (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      each(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on("end", () => {
    if (buf !== "") each(buf);
  });
}

/** Starts every node of the deployment here and waits for all of them to exit. */
export async function runLocalNodes(o: LocalNodesOptions): Promise<LocalNodesResult> {
  const file = join(o.dir, "deployment.json");
  writeFileSync(file, deploymentJson(o.deployment));
  const children: ChildProcess[] = o.deployment.nodes.map((n) => {
    const c = spawn(process.execPath, [o.cli, "node", "--deploy", file, "--name", n.name, ...o.nodeArgs(n.name)], { stdio: [o.control ? "pipe" : "ignore", "pipe", "pipe"] });
    lines(c.stdout!, (l) => o.onStdout?.(n.name, l));
    lines(c.stderr!, (l) => o.onStderr?.(n.name, l));
    // A node that has exited closes its end: a late line is lost, not an error.
    c.stdin?.on("error", () => {});
    return c;
  });
  const closed = children.map((c, i) => new Promise<number>((resolve) => c.once("close", (code) => {
    o.onExit?.(o.deployment.nodes[i]!.name, code ?? -1);
    resolve(code ?? -1);
  })));
  o.control?.((node, line) => {
    const c = children[o.deployment.nodes.findIndex((n) => n.name === node)];
    if (c?.stdin && c.exitCode === null && !c.stdin.destroyed) c.stdin.write(line + "\n");
  });
  // Ctrl-C reaches the whole process group from a terminal; from elsewhere (a test, a
  // supervisor) it reaches only us, so pass it on to every node.
  const forward = (): void => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGINT");
  };
  process.on("SIGINT", forward);
  try {
    // "close", not "exit": a node's last lines (its last actions, its verdict) may still be
    // in the pipe when it exits.
    const codes = await Promise.all(closed);
    const same = codes.every((c) => c === codes[0]);
    return { codes, code: same ? codes[0]! : Math.max(...codes.map((c) => (c < 0 ? 255 : c))) };
  } finally {
    process.removeListener("SIGINT", forward);
    for (const c of children) c.stdin?.end();
  }
}
