// The raw TCP floor: a 32-byte ping-pong between two Node processes on loopback, with
// Nagle off, one message in flight. Run as a script in two roles:
//   node dist/bench/baselines/tcp-pingpong.js server            prints {"port": P}, echoes
//   node dist/bench/baselines/tcp-pingpong.js client P MS       prints the figures as JSON
// and measureTcpPingpong() spawns both and gathers each one's peak RSS.

import { createConnection, createServer } from "node:net";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import type { Figures, NotAvailable, RunContext } from "../harness/types.js";
import { notAvailable } from "../harness/types.js";
import { lastJson, lastLine, peakRssSelf, runChild } from "../harness/proc.js";
import { spawn } from "node:child_process";
import { summarize } from "../harness/stats.js";

const SIZE = 32;


/** Calls `onMessage` for every complete SIZE-byte message arriving on `sock`. */
function framed(sock: Socket, onMessage: (m: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  sock.on("data", (d: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    while (pending.length >= SIZE) {
      onMessage(pending.subarray(0, SIZE));
      pending = pending.subarray(SIZE);
    }
  });
}

function server(): void {
  const srv = createServer((sock) => {
    sock.setNoDelay(true);
    framed(sock, (m) => sock.write(m));
    sock.on("close", () => {
      process.stdout.write(JSON.stringify({ maxRssBytes: peakRssSelf() }) + "\n");
      srv.close();
    });
    sock.on("error", () => undefined);
  });
  srv.listen(0, "127.0.0.1", () => {
    const addr = srv.address();
    if (addr && typeof addr === "object") process.stdout.write(JSON.stringify({ port: addr.port }) + "\n");
  });
}

function client(port: number, budgetMs: number): void {
  const sock = createConnection({ port, host: "127.0.0.1" }, () => {
    sock.setNoDelay(true);
    const msg = Buffer.alloc(SIZE);
    const lat: number[] = [];
    let sent = 0;
    let t = 0;
    let measuring = false;
    let t0 = 0;
    const warmEnd = performance.now() + budgetMs / 10;
    let end = Infinity;
    const send = (): void => {
      msg.writeUInt32LE(sent++, 0);
      t = performance.now();
      sock.write(msg);
    };
    framed(sock, () => {
      const t1 = performance.now();
      if (measuring) lat.push((t1 - t) * 1000);
      else if (t1 >= warmEnd) {
        measuring = true;
        t0 = t1;
        end = t1 + budgetMs;
      }
      if (t1 < end) send();
      else {
        const s = summarize(lat, lat.length, t1 - t0);
        process.stdout.write(JSON.stringify({ ...s, maxRssBytes: peakRssSelf() }) + "\n");
        sock.end();
      }
    });
    send();
  });
}

export async function measureTcpPingpong(ctx: RunContext): Promise<Figures | NotAvailable> {
  const script = fileURLToPath(import.meta.url);
  const srv = spawn(process.execPath, [script, "server"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  srv.stdout.setEncoding("utf8");
  const port = await new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 10_000);
    srv.stdout.on("data", (d: string) => {
      out += d;
      const j = lastJson(out);
      if (j && typeof j["port"] === "number") {
        clearTimeout(timer);
        resolve(j["port"]);
      }
    });
    srv.on("exit", () => resolve(undefined));
  });
  if (port === undefined) {
    srv.kill("SIGKILL");
    return notAvailable("the TCP echo server did not start");
  }
  const serverDone = new Promise<void>((resolve) => srv.on("close", () => resolve()));
  const cl = await runChild(process.execPath, [script, "client", String(port), String(Math.round(ctx.budgetMs))], { timeoutMs: ctx.budgetMs * 2 + 10_000 });
  const killer = setTimeout(() => srv.kill("SIGKILL"), 3_000);
  await serverDone;
  clearTimeout(killer);
  const r = lastJson(cl.stdout);
  if (!r || cl.code !== 0) return notAvailable(`the TCP client failed: ${lastLine(cl.stderr) || (cl.timedOut ? "timed out" : `exit ${cl.code}`)}`);
  const srvRss = lastJson(out.split("\n").filter((l) => l.includes("maxRssBytes")).join("\n"));
  return {
    perSecond: Number(r["perSecond"]),
    p50Us: Number(r["p50Us"]),
    p99Us: Number(r["p99Us"]),
    samples: Number(r["samples"]),
    rssBytes: [Number(r["maxRssBytes"]), Number(srvRss?.["maxRssBytes"] ?? NaN)],
    note: "per round trip of 32 bytes, one in flight",
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const role = process.argv[2];
  if (role === "server") server();
  else if (role === "client") client(Number(process.argv[3]), Number(process.argv[4] ?? 2000));
  else {
    process.stderr.write("usage: tcp-pingpong.js server | client PORT BUDGET_MS\n");
    process.exit(2);
  }
}
