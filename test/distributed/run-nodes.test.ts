// `lntc run --nodes K` on the shared models: the compiled model on 2, 3 and 4 local node
// processes, every merged trace accepted by the reference `lntc trace-check`, the same
// verdict on every node (the run says so when they disagree), paint's colour chosen Blue
// with each painter on its own node, --steps N as the run's total (exactly N labels), and
// labels printed while the run goes on.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lntcAsync } from "../util/run-cli.js";
import { cliPath, sharedModels } from "../util/paths.js";


const lntc = lntcAsync;

const dir = mkdtempSync(join(tmpdir(), "lntc-run-nodes-"));

/** Per model: the exit statuses allowed (pingpong deadlocks after 10 actions; buffer and philosophers may deadlock). */
const models: Record<string, { codes: readonly number[]; actions?: number }> = {
  pingpong: { codes: [1], actions: 10 },
  barrier: { codes: [0] },
  paint: { codes: [0] },
  committee: { codes: [0] },
  philosophers: { codes: [0, 1] },
  buffer: { codes: [0, 1] },
};

for (const [name, want] of Object.entries(models)) {
  for (const k of [2, 3, 4]) {
    test(`${name} on ${k} node processes: merged trace accepted by trace-check`, { timeout: 60_000 }, async () => {
      const model = join(sharedModels, `${name}.lnt`);
      const trace = join(dir, `${name}-${k}.trace`);
      const r = await lntc(["run", "--nodes", String(k), "--steps", "150", "--seed", String(k), "--trace", trace, model]);
      const why = `${r.stderr}\n${r.stdout.slice(0, 2000)}`;
      assert.ok(want.codes.includes(r.code), `exit ${r.code}: ${why}`);
      assert.match(r.stderr, new RegExp(`(terminated|deadlock|stopped) after \\d+ actions? on ${k} nodes`), why);
      const labels = readFileSync(trace, "utf8").split("\n").filter((l) => l !== "");
      if (want.actions !== undefined) assert.equal(labels.length, want.actions, why);
      // --steps bounds the run: a run stopped by it printed exactly 150 actions (internal ones too).
      if (/stopped after/.test(r.stderr)) {
        assert.match(r.stderr, new RegExp(`stopped after 150 actions on ${k} nodes \\(--steps\\)`), why);
        assert.equal(r.stdout.split("\n").filter((l) => l !== "").length, 150, why);
      }
      // What the run printed is the merged trace (with internal actions, which the file leaves out).
      assert.deepEqual(r.stdout.split("\n").filter((l) => l !== "" && l !== "i"), labels);
      const c = await lntc(["trace-check", model, trace]);
      assert.equal(c.code, 0, `${c.stdout}${c.stderr}`);
    });
  }
}

test("paint paints only Blue with each painter on its own node", { timeout: 60_000 }, async () => {
  const trace = join(dir, "paint-blue.trace");
  // --nodes 3 deals PICKY#0, PICKY#1 and LOGGER to node1, node2 and node3.
  const r = await lntc(["plan", "--nodes", "3", join(sharedModels, "paint.lnt")]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /node1 \(.*\)\n\s+tasks: PICKY#0\n/);
  assert.match(r.stdout, /node2 \(.*\)\n\s+tasks: PICKY#1\n/);
  const run = await lntc(["run", "--nodes", "3", "--steps", "200", "--quiet", "--trace", trace, join(sharedModels, "paint.lnt")]);
  assert.equal(run.code, 0, run.stderr);
  const paints = readFileSync(trace, "utf8").split("\n").filter((l) => l.startsWith("PAINT"));
  assert.ok(paints.length >= 50, `${paints.length} PAINT actions`);
  assert.deepEqual([...new Set(paints)], ["PAINT !BLUE"]);
});

test("bank needs hooks: a distributed run stops with the reason, not a hang", { timeout: 60_000 }, async () => {
  const r = await lntc(["run", "--nodes", "2", "--steps", "20", join(sharedModels, "bank.lnt")]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /too large to enumerate/);
});

test("--check follows the merged trace with the reference semantics; with --hooks it is refused, as in the embedded run", { timeout: 60_000 }, async () => {
  const r = await lntc(["run", "--nodes", "3", "--check", "--steps", "60", "--quiet", join(sharedModels, "buffer.lnt")]);
  assert.ok([0, 1].includes(r.code), r.stderr);
  assert.doesNotMatch(r.stderr, /--check:/);
  const h = await lntc(["run", "--nodes", "2", "--check", "--hooks", "hooks.js", join(sharedModels, "committee.lnt")]);
  assert.equal(h.code, 2);
  assert.match(h.stderr, /--check cannot follow a run with --hooks/);
});

test("a run-time error of the model stops every node with its position and status 1", { timeout: 60_000 }, async () => {
  const model = join(dir, "overflow.lnt");
  writeFileSync(
    model,
    [
      "module overflow is",
      "channel NAT is (nat) end channel",
      "process A [G: NAT] is",
      "   var n: nat in",
      "      n := 4294967293;",
      "      loop G (!n); n := n + 1 end loop",
      "   end var",
      "end process",
      "process B [G: NAT] is",
      "   var x: nat in loop G (?x) end loop end var",
      "end process",
      "process MAIN [G: NAT] is",
      "   par G in A [G] || B [G] end par",
      "end process",
      "end module",
      "",
    ].join("\n"),
  );
  const r = await lntc(["run", "--nodes", "2", model]);
  assert.equal(r.code, 1, r.stderr);
  // as the embedded run prints it: the message, then the source line with a caret
  assert.match(r.stderr, /overflow\.lnt:6:25: error: value 4294967296 is out of the bounds of type nat .*\[LNT6002\]\n.*\n6 \|.*n := n \+ 1/);
  assert.equal(r.stdout.trim().split("\n").length, 3);
});

test("--steps N bounds the whole run: a model that never ends prints exactly N labels, a valid trace, exit 0", { timeout: 60_000 }, async () => {
  const model = join(sharedModels, "committee.lnt");
  const trace = join(dir, "committee-50.trace");
  const r = await lntc(["run", "--nodes", "2", "--steps", "50", "--seed", "3", "--trace", trace, model]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^stopped after 50 actions on 2 nodes \(--steps\)$/m);
  const printed = r.stdout.split("\n").filter((l) => l !== "");
  assert.equal(printed.length, 50, r.stdout);
  assert.deepEqual(readFileSync(trace, "utf8").split("\n").filter((l) => l !== ""), printed.filter((l) => l !== "i"));
  const out = join(dir, "committee-50.out");
  writeFileSync(out, r.stdout);
  const c = await lntc(["trace-check", model, out]);
  assert.equal(c.code, 0, `${c.stdout}${c.stderr}`);
  assert.match(c.stdout, /trace accepted: 50 labels/);
});

test("labels are printed as the run goes, not once it is over", { timeout: 60_000 }, async () => {
  const c = spawn(process.execPath, [cliPath, "run", "--nodes", "2", "--steps", "100000000", join(sharedModels, "committee.lnt")], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  c.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => c.on("exit", (code) => resolve(code ?? -1)));
  try {
    // The first labels arrive while every process is still running.
    await new Promise<void>((resolve, reject) => {
      c.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.split("\n").length > 10) resolve();
      });
      void exited.then(() => reject(new Error(`the run ended before printing: ${stderr}`)));
    });
    assert.equal(c.exitCode, null);
    assert.match(stdout, /^(MEET|BUSY !\d)$/m);
  } finally {
    c.kill("SIGINT");
  }
  // Ctrl-C reaches every node through the run, which exits as they do.
  assert.equal(await exited, 130, stderr);
});
