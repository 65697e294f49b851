// The bench harness, run for real in its fake mode (measurements that return at once):
// it must write a JSON report that parses and holds every row, a Markdown section whose
// tables are regular, and a well-formed SVG. No timing is asserted.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../util/paths.js";
import { computeRatios, evaluateTargets, latencySvg } from "../../bench/harness/report.js";
import { Reservoir, quantile, summarize } from "../../bench/harness/stats.js";
import type { BenchReport, ResultRow } from "../../bench/harness/types.js";

/** Checks that tags nest and close, attributes are quoted, and text holds no bare '<' or '&'. */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml)) !== null) {
    const text = xml.slice(last, m.index);
    assert.ok(!/[<>]/.test(text), `stray angle bracket in text: ${JSON.stringify(text.slice(0, 80))}`);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(text), `bare ampersand in text: ${JSON.stringify(text.slice(0, 80))}`);
    last = re.lastIndex;
    if (m[2] === undefined) continue;
    if (m[1] === "/") assert.equal(stack.pop(), m[2], `</${m[2]}> closes the wrong element`);
    else if (m[4] !== "/") stack.push(m[2]);
  }
  assert.ok(!/[<>]/.test(xml.slice(last)), "unparsed markup at the end");
  assert.deepEqual(stack, [], "unclosed elements");
}

test("npm run bench -- --fake writes well-formed JSON, Markdown and SVG", () => {
  const out = mkdtempSync(join(tmpdir(), "lntc-bench-test-"));
  try {
    const r = spawnSync(process.execPath, [join(repoRoot, "dist", "bench", "run.js"), "--fake", "--out", out], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    // The terminal table shows every row, measured or not.
    for (const name of ["fake TCP", "fake gRPC", "fake Go", "fake Erlang", "fake embedded", "fake distributed", "fake barrier"]) {
      assert.ok(r.stdout.includes(name), `${name} missing from the terminal table`);
    }
    assert.match(r.stdout, /not available: erl is absent \(fake\)/);
    assert.match(r.stdout, /not available: failed: boom \(fake\)/);

    const report = JSON.parse(readFileSync(join(out, "latest.json"), "utf8")) as BenchReport;
    assert.equal(report.schema, 1);
    assert.ok(!Number.isNaN(Date.parse(report.date)));
    assert.equal(report.rows.length, 7);
    const byId = new Map(report.rows.map((x) => [x.id, x]));
    assert.equal(byId.get("pingpong/erlang")?.notAvailable, "erl is absent (fake)");
    assert.equal(byId.get("barrier-4/distributed")?.figures, undefined);
    const dist = byId.get("pingpong/distributed")?.figures;
    assert.equal(dist?.p50Us, 150);
    assert.equal(dist?.messagesPerRendezvous, 3);
    assert.deepEqual(dist?.rssBytes, [56 << 20, 57 << 20]);
    // Ratios are ours / baseline, only where both were measured.
    const ratio = report.ratios.find((x) => x.measurement === "pingpong/distributed" && x.baseline === "transport/grpc");
    assert.ok(ratio);
    assert.ok(Math.abs(ratio.p50 - 150 / 118) < 1e-9);
    assert.ok(!report.ratios.some((x) => x.baseline === "pingpong/erlang"));
    const statuses = new Map(report.targets.map((t) => [t.text, t.status]));
    assert.equal(statuses.get("embedded two-party exchange at least as fast as Go's unbuffered channels"), "met");
    assert.equal(statuses.get("distributed 4-party barrier on 4 nodes within 2x of the gRPC round trip"), "not measured");
    assert.equal(report.tooling[0]?.figures?.summary, "42 things/s");

    const md = readFileSync(join(out, "latest.md"), "utf8");
    assert.match(md, /^## Performance\n/);
    assert.ok(md.includes(report.date), "the section carries the run's date");
    // Every table row has as many cells as its header (escaped pipes are not separators).
    const cellsOf = (line: string): number => line.replace(/\\\|/g, "").split("|").length;
    let header = 0;
    for (const line of md.split("\n")) {
      if (!line.startsWith("|")) {
        header = 0;
        continue;
      }
      if (header === 0) header = cellsOf(line);
      else assert.equal(cellsOf(line), header, `irregular table row: ${line}`);
    }
    assert.ok(md.includes("fake gRPC \\| pipe"), "pipes in names are escaped");

    const svg = readFileSync(join(out, "latencies.svg"), "utf8");
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assertWellFormedXml(svg);
    // One bar per measured row: five of the seven were measured.
    assert.equal((svg.match(/<rect x="\d+(\.\d+)?" y="[\d.]+" width="[\d.]+" height="\d+" fill="#[0-9a-f]{6}"><title>/g) ?? []).length, 5);
    assert.ok(svg.includes("&lt;floor&gt; &amp; &quot;quotes&quot;"), "names are escaped in the SVG");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("quantiles, ratios and targets", () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.99), 4);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  const s = summarize([5, 1, 3], 3, 1000);
  assert.deepEqual([s.p50Us, s.perSecond], [3, 3]);
  // The reservoir keeps a bounded, uniform sample: its median stays near the stream's.
  const r = new Reservoir(1000);
  for (let i = 0; i < 100_000; i++) r.add(i);
  const kept = r.values().sort((a, b) => a - b);
  assert.equal(kept.length, 1000);
  assert.ok(kept.every((v) => v >= 0 && v < 100_000));
  assert.ok(Math.abs(quantile(kept, 0.5) - 50_000) < 10_000, `median ${quantile(kept, 0.5)}`);

  const row = (id: string, p50Us: number, compareWith: string[] = [], messagesPerRendezvous?: number): ResultRow => ({
    id, name: id, scenario: "pingpong", mode: "baseline", compareWith, elapsedMs: 1,
    figures: { perSecond: 1e6 / p50Us, p50Us, p99Us: p50Us, rssBytes: [], ...(messagesPerRendezvous !== undefined ? { messagesPerRendezvous } : {}) },
  });
  const rows = [row("base", 100), row("ours", 140, ["base", "absent"], 5)];
  const ratios = computeRatios(rows);
  assert.equal(ratios.length, 1);
  assert.ok(Math.abs(ratios[0]!.p50 - 1.4) < 1e-9);
  assert.ok(Math.abs(ratios[0]!.throughput - 100 / 140) < 1e-9);
  const t = evaluateTargets(rows, [
    { text: "a", measurement: "ours", baseline: "base", metric: "p50Us", maxRatio: 1.5 },
    { text: "b", measurement: "ours", baseline: "base", metric: "perSecond", minRatio: 1 },
    { text: "c", measurement: "missing", baseline: "base", metric: "p50Us", maxRatio: 2 },
  ], [
    { scenario: "pingpong", measurement: "ours", dlc: 4, formula: "2n" },
    { scenario: "barrier-4", measurement: "nothing", dlc: 8, formula: "2n" },
    { scenario: "paint", measurement: "nothing", dlc: 8, formula: "2n" },
  ], [
    { scenario: "barrier-4", system: "sim", rendezvous: 10, messagesPerRendezvous: 7, networkPerRendezvous: 5, abortsPerRendezvous: 0, dlc: 8, formula: "2n" },
  ]);
  assert.deepEqual(t.map((x) => x.status), ["met", "missed", "not measured", "missed", "met", "not measured"]);
  assert.match(t[4]!.detail, /protocol simulator/);
});

test("the latency chart of a report with no measured row is still well-formed", () => {
  const report: BenchReport = {
    schema: 1, date: "2026-01-01T00:00:00Z", quick: true,
    machine: { cpus: 1, cpuModel: "x", memBytes: 1, node: "20", platform: "linux" },
    totalMs: 0, notes: [], rows: [], ratios: [], targets: [], messages: [], tooling: [],
  };
  assertWellFormedXml(latencySvg(report));
});
