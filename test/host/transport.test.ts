// The gRPC transport between real node processes on loopback: delivery and batching,
// a killed peer, a missing peer at start-up, foreign connections and corrupted frames
// refused with the node still running, and mutual TLS.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { encodeFrame } from "../../host/wire/codec.js";
import { deploymentFor, freePorts, grpcFrame, rawExchange, startNode, tempDir, waitForPort, withNodes, type Ev } from "./helpers.js";

const sumFrom = (evs: Ev[], from: string): number => evs.filter((e) => e.ev === "batch" && e.from === from).reduce((s, e) => s + (e.count as number), 0);

test("three nodes: messages arrive in order, batched, on every pair", { timeout: 20_000 }, async () => {
  const dir = tempDir("t3");
  const nodes = deploymentFor(["a", "b", "c"], await freePorts(3));
  const ns = nodes.map((n) => startNode(dir, nodes, n.name));
  const [a, b, c] = ns as [typeof ns[0], typeof ns[0], typeof ns[0]];
  await withNodes(ns, async () => {
    for (const n of ns) await n.until("up", () => n.find("up"));
    a.send({ send: "b", count: 2000 });
    c.send({ send: "a", count: 3 });
    b.send({ send: "c", count: 1 });
    await b.until("2000 messages from a", () => sumFrom(b.events, "a") === 2000);
    await a.until("3 messages from c", () => sumFrom(a.events, "c") === 3);
    await c.until("1 message from b", () => sumFrom(c.events, "b") === 1);
    const batches = b.events.filter((e) => e.ev === "batch" && e.from === "a");
    assert.ok(batches.length < 100, `2000 messages sent in one turn took ${batches.length} batches`);
    assert.equal(batches[0]!.first, "00000000");
    assert.equal(batches[batches.length - 1]!.last, (1999).toString(16).padStart(8, "0"));
    // Destination endpoints travel with each message.
    assert.equal(batches[0]!.toManager, true);
    assert.equal(batches[0]!.to, 0);
    const fromC = a.events.find((e) => e.ev === "batch" && e.from === "c")!;
    assert.equal(fromC.count, 3, "three messages sent together leave in one batch");
    a.send({ send: "c", control: 42 });
    await c.until("control from a", () => c.find("control", (e) => e.from === "a" && e.kind === 42));
    for (const n of ns) n.send({ exit: 0 });
    for (const n of ns) assert.equal(await n.exited, 0);
    // An orderly close is a goodbye, not a fault.
    assert.ok(!ns.some((n) => n.find("down")), ns.map((n) => n.stderr).join("\n"));
  });
});

test("a killed node is named by the others, which stop non-zero within 2 s", { timeout: 20_000 }, async () => {
  const dir = tempDir("kill");
  const nodes = deploymentFor(["a", "b", "c"], await freePorts(3));
  const ns = nodes.map((n) => startNode(dir, nodes, n.name));
  const [a, b, c] = ns as [typeof ns[0], typeof ns[0], typeof ns[0]];
  await withNodes(ns, async () => {
    for (const n of ns) await n.until("up", () => n.find("up"));
    const t0 = Date.now();
    c.kill("SIGKILL");
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    assert.equal(ea, 4);
    assert.equal(eb, 4);
    for (const n of [a, b]) {
      assert.match(n.stderr, /node c is down/);
      assert.ok(n.exitedAt - t0 < 2000, `node ${n.name} took ${n.exitedAt - t0} ms`);
    }
  });
});

test("a peer missing at start-up is named after the timeout", { timeout: 20_000 }, async () => {
  const dir = tempDir("missing");
  const nodes = deploymentFor(["a", "b", "c"], await freePorts(3));
  const ns = ["a", "b"].map((n) => startNode(dir, nodes, n, { startTimeoutMs: 1000 }));
  await withNodes(ns, async () => {
    for (const n of ns) {
      assert.equal(await n.exited, 3);
      assert.deepEqual(n.find("timeout")!.missing, ["c"]);
      assert.match(n.stderr, /no connection from peer c after \d+ ms/);
    }
  });
});

test("connections from foreign addresses, unknown names or other deployments are refused and logged", { timeout: 20_000 }, async () => {
  const dir = tempDir("foreign");
  const nodes = deploymentFor(["a", "b"], await freePorts(2));
  const b = startNode(dir, nodes, "b", { startTimeoutMs: 10_000 });
  const ns = [b];
  await withNodes(ns, async () => {
    const port = nodes[1]!.port;
    await waitForPort("127.0.0.1", port);
    // From 127.0.0.2: not an address of the deployment.
    const foreign = rawExchange("127.0.0.1", port, "127.0.0.2");
    foreign.stream.write(grpcFrame(encodeFrame({ kind: "hello", hello: { node: "a", deploymentHash: Buffer.from("ab12", "hex"), version: 1 } })));
    assert.match(await foreign.status, /^7 /);
    foreign.session.close();
    await b.until("log of the foreign address", () => b.find("log", (e) => /refused a connection from 127\.0\.0\.2:\d+: address 127\.0\.0\.2 is not in the deployment/.test(e.line as string)));
    // The right address, but another deployment.
    const other = rawExchange("127.0.0.1", port);
    other.stream.write(grpcFrame(encodeFrame({ kind: "hello", hello: { node: "a", deploymentHash: Buffer.from("cd34", "hex"), version: 1 } })));
    assert.match(await other.status, /^7 /);
    other.session.close();
    await b.until("log of the other deployment", () => b.find("log", (e) => /runs another deployment/.test(e.line as string)));
    // A name not in the deployment.
    const stranger = rawExchange("127.0.0.1", port);
    stranger.stream.write(grpcFrame(encodeFrame({ kind: "hello", hello: { node: "zed", deploymentHash: Buffer.from("ab12", "hex"), version: 1 } })));
    assert.match(await stranger.status, /^7 /);
    stranger.session.close();
    await b.until("log of the unknown name", () => b.find("log", (e) => /unknown node name 'zed'/.test(e.line as string)));
    // Garbage before any Hello.
    const garbage = rawExchange("127.0.0.1", port);
    garbage.stream.write(grpcFrame(Buffer.from([0xff, 0xff, 0xff])));
    assert.match(await garbage.status, /^7 /);
    garbage.session.close();
    // The node still runs: the real peer connects and messages flow.
    const a = startNode(dir, nodes, "a");
    ns.push(a);
    await a.until("up", () => a.find("up"));
    await b.until("up", () => b.find("up"));
    a.send({ send: "b", count: 5 });
    await b.until("5 messages", () => sumFrom(b.events, "a") === 5);
  });
});

test("a batch that does not decode is refused and logged; the stream and the node go on", { timeout: 20_000 }, async () => {
  const dir = tempDir("corrupt");
  const nodes = deploymentFor(["a", "b"], await freePorts(2));
  const b = startNode(dir, nodes, "b", { startTimeoutMs: 10_000 });
  await withNodes([b], async () => {
    await waitForPort("127.0.0.1", nodes[1]!.port);
    // The test plays node a, by hand, heartbeats included.
    const x = rawExchange("127.0.0.1", nodes[1]!.port);
    x.stream.write(grpcFrame(encodeFrame({ kind: "hello", hello: { node: "a", deploymentHash: Buffer.from("ab12", "hex"), version: 1 } })));
    const beat = setInterval(() => x.stream.write(grpcFrame(encodeFrame({ kind: "heartbeat" }))), 200);
    await b.until("up", () => b.find("up"));
    // A batch whose message length runs past the frame's end.
    x.stream.write(grpcFrame(Buffer.from([0x12, 0x08, 0x1a, 0x7f, 0x01])));
    // A frame with an impossible wire type.
    x.stream.write(grpcFrame(Buffer.from([0x0f, 0x01])));
    await b.until("two refusals", () => b.events.filter((e) => e.ev === "log" && /refused a frame of \d+ bytes from a: it does not decode/.test(e.line as string)).length === 2);
    const good = encodeFrame({ kind: "batch", batch: { from: "a", seq: 1, messages: [{ toManager: false, to: 3, payload: Buffer.from([9, 9]) }] } });
    x.stream.write(grpcFrame(good));
    await b.until("the good batch", () => b.find("batch", (e) => e.from === "a" && e.first === "0909" && e.to === 3));
    b.send({ stats: true });
    const stats = await b.until("stats", () => b.find("stats"));
    assert.equal(stats.refusedFrames, 2);
    assert.equal(b.exitCode, null, "node b is still running");
    clearInterval(beat);
    x.session.destroy();
  });
});

function haveOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A CA and one certificate per node (CN = node name), as `--tls DIR` expects. */
export function makeCertificates(dir: string, names: readonly string[]): void {
  const run = (args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  run(["req", "-x509", ...ec, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=lntc-test-ca"]);
  for (const n of names) {
    run(["req", ...ec, "-keyout", `${n}-key.pem`, "-out", `${n}.csr`, "-subj", `/CN=${n}`]);
    run(["x509", "-req", "-in", `${n}.csr`, "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-out", `${n}.pem`, "-days", "2", "-extfile", "ext.cnf"].filter(Boolean));
  }
}

test("mutual TLS: nodes with certificates from the deployment's CA talk; a node with another's certificate is refused", { timeout: 30_000 }, async (t) => {
  if (!haveOpenssl()) {
    t.skip("openssl is not installed: cannot make test certificates");
    return;
  }
  const dir = tempDir("tls");
  const certs = join(dir, "certs");
  mkdirSync(certs);
  execFileSync("sh", ["-c", "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth,clientAuth\\n' > ext.cnf"], { cwd: certs });
  makeCertificates(certs, ["a", "b"]);
  const nodes = deploymentFor(["a", "b"], await freePorts(2));
  const ns = ["a", "b"].map((n) => startNode(dir, nodes, n, { tlsDir: certs }));
  await withNodes(ns, async () => {
    for (const n of ns) await n.until("up", () => n.find("up"), 10_000);
    ns[0]!.send({ send: "b", count: 10 });
    await ns[1]!.until("10 messages", () => sumFrom(ns[1]!.events, "a") === 10);
    for (const n of ns) n.send({ exit: 0 });
    for (const n of ns) assert.equal(await n.exited, 0);
  });
  // Node a shows b's certificate: b refuses it.
  const rogue = join(dir, "rogue");
  mkdirSync(rogue);
  copyFileSync(join(certs, "ca.pem"), join(rogue, "ca.pem"));
  copyFileSync(join(certs, "b.pem"), join(rogue, "a.pem"));
  copyFileSync(join(certs, "b-key.pem"), join(rogue, "a-key.pem"));
  const nodes2 = deploymentFor(["a", "b"], await freePorts(2));
  const a2 = startNode(dir, nodes2, "a", { tlsDir: rogue, startTimeoutMs: 1500 });
  const b2 = startNode(dir, nodes2, "b", { tlsDir: certs, startTimeoutMs: 1500 });
  await withNodes([a2, b2], async () => {
    await b2.until("refusal", () => b2.find("log", (e) => /presented the certificate of 'b'/.test(e.line as string)), 5000);
    assert.equal(await b2.exited, 3);
  });
});
