// `lntc node` as a user runs it: three nodes check their network and agree; a bad
// deployment is reported at file:line:col; a name outside the deployment is a usage error.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliPath } from "../util/paths.js";
import { runCli } from "../util/run-cli.js";
import { freePorts, tempDir, TestNode, withNodes } from "./helpers.js";

test("lntc node --check-network: three nodes ping each other and exit 0", { timeout: 30_000 }, async () => {
  const dir = tempDir("nodecli");
  const ports = await freePorts(3);
  const f = join(dir, "deploy.json");
  writeFileSync(f, JSON.stringify({ nodes: ["a", "b", "c"].map((name, i) => ({ name, address: `127.0.0.1:${ports[i]}` })), tasks: {} }, null, 2));
  const ns = ["a", "b", "c"].map((n) => new TestNode(n, spawn(process.execPath, [cliPath, "node", "--deploy", f, "--name", n, "--check-network"], { stdio: ["pipe", "pipe", "pipe"] })));
  await withNodes(ns, async () => {
    const codes = await Promise.all(ns.map((n) => n.exited));
    assert.deepEqual(codes, [0, 0, 0], ns.map((n) => n.stderr).join("\n"));
    for (const n of ns) {
      assert.match(n.stderr, new RegExp(`${n.name}: every peer answered`));
      assert.equal((n.stderr.match(/round trip [\d.]+ ms \(median of 19\)/g) ?? []).length, 2);
    }
  });
});

test("lntc node: bad deployment at file:line:col, unknown node name, no compiled model", () => {
  const dir = tempDir("nodebad");
  const f = join(dir, "deploy.json");
  writeFileSync(f, `{\n  "nodes": [ { "name": "a", "address": "127.0.0.1" } ],\n  "tasks": {}\n}\n`);
  const bad = runCli(["node", "--deploy", f, "--name", "a", "--check-network"]);
  assert.equal(bad.status, 1);
  assert.ok(bad.stderr.includes(`${f}:2:40: error: address '127.0.0.1' of node 'a' is not host:port`), bad.stderr);
  writeFileSync(f, `{ "nodes": [ { "name": "a", "address": "127.0.0.1:1" } ], "tasks": {} }`);
  const who = runCli(["node", "--deploy", f, "--name", "b", "--check-network"]);
  assert.equal(who.status, 2);
  assert.match(who.stderr, /'b' is not a node of .*; its nodes are a/);
  const none = runCli(["node", "--deploy", f, "--name", "a", dir]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /holds no compiled model/);
});
