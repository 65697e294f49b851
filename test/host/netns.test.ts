// Two transport nodes in separate network namespaces joined by a veth pair: real
// addresses instead of loopback, and a link cut (not a process killed) detected by the
// heartbeats within the peer timeout. Skipped, with the reason, where `ip netns` is not
// available (not root, no iproute2, no CAP_NET_ADMIN).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startNode, tempDir, withNodes } from "./helpers.js";

function ip(args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  const probe = `lntcprobe${process.pid}`;
  try {
    ip(["netns", "add", probe]);
  } catch (err) {
    return `'ip netns add' fails: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
  try {
    ip(["netns", "del", probe]);
  } catch {
    // Best effort: the probe namespace is empty.
  }
  return undefined;
}

test("two nodes in separate network namespaces exchange messages; a cut link is detected within 2 s", { timeout: 30_000 }, async (t) => {
  const why = netnsUnavailable();
  if (why !== undefined) {
    t.skip(`network namespaces unavailable: ${why}`);
    return;
  }
  const tag = String(process.pid % 100000);
  const nsA = `lntca${tag}`;
  const nsB = `lntcb${tag}`;
  const vA = `lva${tag}`;
  const vB = `lvb${tag}`;
  // A /30 from the benchmarking range, derived from the pid so that parallel runs differ.
  const third = (process.pid >> 6) % 250;
  const fourth = (process.pid % 60) * 4;
  const addrA = `198.18.${third}.${fourth + 1}`;
  const addrB = `198.18.${third}.${fourth + 2}`;
  try {
    ip(["netns", "add", nsA]);
    ip(["netns", "add", nsB]);
    ip(["link", "add", vA, "type", "veth", "peer", "name", vB]);
    ip(["link", "set", vA, "netns", nsA]);
    ip(["link", "set", vB, "netns", nsB]);
    ip(["-n", nsA, "addr", "add", `${addrA}/30`, "dev", vA]);
    ip(["-n", nsB, "addr", "add", `${addrB}/30`, "dev", vB]);
    for (const [ns, v] of [[nsA, vA], [nsB, vB]] as const) {
      ip(["-n", ns, "link", "set", v, "up"]);
      ip(["-n", ns, "link", "set", "lo", "up"]);
    }
    const dir = tempDir("netns");
    const nodes = [
      { name: "a", host: addrA, port: 7411 },
      { name: "b", host: addrB, port: 7412 },
    ];
    const a = startNode(dir, nodes, "a", {}, ["ip", "netns", "exec", nsA]);
    const b = startNode(dir, nodes, "b", {}, ["ip", "netns", "exec", nsB]);
    await withNodes([a, b], async () => {
      for (const n of [a, b]) await n.until("up", () => n.find("up"), 10_000);
      a.send({ send: "b", count: 500 });
      b.send({ send: "a", count: 7 });
      await b.until("500 messages", () => b.events.filter((e) => e.ev === "batch").reduce((s, e) => s + (e.count as number), 0) === 500);
      await a.until("7 messages", () => a.events.filter((e) => e.ev === "batch").reduce((s, e) => s + (e.count as number), 0) === 7);
      // Cut the cable: no FIN, no RST; only silence tells.
      const t0 = Date.now();
      ip(["-n", nsB, "link", "set", vB, "down"]);
      const [ea, eb] = await Promise.all([a.exited, b.exited]);
      assert.equal(ea, 4);
      assert.equal(eb, 4);
      assert.match(a.stderr, /node b is down/);
      assert.match(b.stderr, /node a is down/);
      for (const n of [a, b]) assert.ok(n.exitedAt - t0 < 2000, `node ${n.name} took ${n.exitedAt - t0} ms`);
      t.diagnostic(`cut link detected: a after ${a.exitedAt - t0} ms, b after ${b.exitedAt - t0} ms`);
    });
  } finally {
    for (const ns of [nsA, nsB]) {
      try {
        ip(["netns", "del", ns]);
      } catch {
        // Not created.
      }
    }
  }
});
