// Flow analysis tests: definite assignment along every kind of path, the
// par / disrupt sharing rules, returns and out parameters, the "never used"
// warnings, the shared models (no spurious diagnostics, the expected errors),
// and the analysis time on a large model.
//
// Each model marks the line where a diagnostic is expected with `-- @name`;
// expectations are written `CODE@name`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadModel, memoryHost } from "../../src/frontend/index.js";
import { DiagnosticBag, type Diagnostic } from "../../src/frontend/diagnostics.js";
import { positionOf } from "../../src/frontend/source.js";
import { checkFlow } from "../../src/frontend/flow.js";
import { sharedModels, sharedErrorModels, lntFiles } from "../util/paths.js";

/** Codes the flow analyses report. */
const FLOW_CODES = new Set(["LNT3001", "LNT3002", "LNT3003", "LNT3004", "LNT3005", "LNT3008", "LNT3013", "LNT3019", "LNT3025", "LNT3030"]);
/** Warnings most tests are not about. */
const PARAM_AND_GATE = ["LNT3030", "LNT3004"];

function moduleText(decls: string): string {
  const main = /\bprocess\s+main\b/i.test(decls) ? "" : "process MAIN is null end process\n";
  return `module t is\nchannel C is (nat) end channel\n${decls}\n${main}end module\n`;
}

function lineOf(d: Diagnostic): number {
  return d.span ? positionOf(d.span.file, d.span.start).line : 0;
}

/** The line marked `-- @name` in the module built from `decls`. */
function markLine(decls: string, name: string): number {
  const k = moduleText(decls)
    .split("\n")
    .findIndex((l) => new RegExp(`--\\s*@${name}\\s*$`).test(l));
  assert.ok(k >= 0, `mark @${name}`);
  return k + 1;
}

function load(decls: string) {
  const text = moduleText(decls);
  const r = loadModel("t.lnt", memoryHost({ "t.lnt": text }));
  return { text, r };
}

/** The flow diagnostics of a model, as `CODE@mark`, plus the diagnostics themselves. */
function flow(decls: string, ignore: readonly string[] = PARAM_AND_GATE) {
  const { text, r } = load(decls);
  const marks = new Map<number, string>();
  text.split("\n").forEach((l, k) => {
    const m = /--\s*@(\w+)\s*$/.exec(l);
    if (m) marks.set(k + 1, m[1]!);
  });
  const others = r.diagnostics.items.filter((d) => !FLOW_CODES.has(d.code) && d.severity === "error");
  assert.deepEqual(
    others.map((d) => `${d.code}:${lineOf(d)}: ${d.message}`),
    [],
    "the model should have no error outside the flow analyses",
  );
  const items = r.diagnostics.items.filter((d) => FLOW_CODES.has(d.code) && !ignore.includes(d.code));
  const got = items.map((d) => `${d.code}@${marks.get(lineOf(d)) ?? `line${lineOf(d)}`}`).sort();
  return { got, items };
}

function expectFlow(decls: string, expected: readonly string[], ignore?: readonly string[]) {
  const { got, items } = flow(decls, ignore);
  assert.deepEqual(got, [...expected].sort(), items.map((d) => `${d.code} ${d.message}`).join("\n"));
  return items;
}

// ---------------------------------------------------------------------------
// Definite assignment

test("a variable read before any assignment is an error at the read", () => {
  const [d] = expectFlow(
    `process P [G: C] is
       var x: nat in
         G (!x) -- @a
       end var
     end process`,
    ["LNT3001@a"],
  );
  assert.match(d!.message, /'x'.*before it is assigned/);
});

test("a read after an assignment is accepted", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in
         x := 1;
         G (!x)
       end var
     end process`,
    [],
  );
});

test("the same unassigned variable is reported once per path, at its first read", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in
         G (!x); -- @a
         G (!x + 1)
       end var
     end process`,
    ["LNT3001@a"],
  );
});

test("an assignment reading its own variable needs it assigned before", () => {
  expectFlow(
    `function f (n: nat): nat is
       var x: nat in
         x := x + n; -- @a
         return x
       end var
     end function`,
    ["LNT3001@a"],
  );
});

test("if without else: a variable assigned only in the then part is not assigned after", () => {
  expectFlow(
    `process P [G: C] (b: bool) is
       var x: nat in
         if b then x := 1 end if;
         G (!x) -- @a
       end var
     end process`,
    ["LNT3001@a"],
  );
});

test("if / elsif / else: assigned after only when every branch assigns", () => {
  expectFlow(
    `process P [G: C] (b, c: bool) is
       var x: nat in
         if b then x := 1 elsif c then x := 2 else x := 3 end if;
         G (!x)
       end var
     end process`,
    [],
  );
  expectFlow(
    `process P [G: C] (b, c: bool) is
       var x: nat in
         if b then x := 1 elsif c then null else x := 3 end if;
         G (!x) -- @a
       end var
     end process`,
    ["LNT3001@a"],
  );
});

test("branches ending in stop, return or raise do not reach the code after", () => {
  expectFlow(
    `process P [G: C] (b: bool) is
       var x: nat in
         if b then x := 1 else stop end if;
         G (!x)
       end var
     end process
     function f (b, c: bool): nat is
       var x: nat in
         if b then x := 1 elsif c then raise unexpected else return 0 end if;
         return x
       end var
     end function`,
    [],
  );
});

test("case: assigned after only when every match assigns", () => {
  const colours = `type Col is Red, Green, Blue with == end type\n`;
  expectFlow(
    colours +
      `process P [G: C] (k: Col) is
         var x: nat in
           case k in
             Red -> x := 1
           | Green -> x := 2
           | any -> x := 3
           end case;
           G (!x)
         end var
       end process`,
    [],
  );
  expectFlow(
    colours +
      `process P [G: C] (k: Col) is
         var x: nat in
           case k in
             Red -> x := 1
           | any -> null
           end case;
           G (!x) -- @a
         end var
       end process`,
    ["LNT3001@a"],
  );
});

test("case: pattern variables are assigned in their match, the guard included", () => {
  expectFlow(
    `type L is list of nat end type
     function first (l: L): nat is
       case l in
         var h: nat in
         cons (h, any) where h > 0 -> return h
       | any -> return 0
       end case
     end function`,
    [],
  );
});

test("while: the body may run zero times", () => {
  expectFlow(
    `process P [G: C] (b: bool) is
       var x: nat in
         while b loop x := 1 end loop;
         G (!x) -- @a
       end var
     end process`,
    ["LNT3001@a"],
  );
});

test("while true is left only by break, like loop", () => {
  expectFlow(
    `function f (n: nat): nat is
       var i: nat in
         i := 0;
         while true loop
           if i >= n then return i end if;
           i := i + 1
         end loop
       end var
     end function
     process P [G: C] is
       while true loop G (!0) end loop;
       G (!1) -- @a
     end process`,
    ["LNT3019@a"],
  );
});

test("for: the init assigns, the body may run zero times", () => {
  expectFlow(
    `function sum (n: nat): nat is
       var i, s: nat in
         s := 0;
         for i := 0 while i < n by i := i + 1 loop
           s := s + i
         end loop;
         return s + i
       end var
     end function`,
    [],
  );
  expectFlow(
    `function sum (n: nat): nat is
       var i, s, t: nat in
         s := 0;
         for i := 0 while i < n by i := i + 1 loop
           t := i;
           s := s + t
         end loop;
         return s + t -- @a
       end var
     end function`,
    ["LNT3001@a"],
  );
});

test("labelled loop: what every break has assigned is assigned after the loop", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in
         loop L in
           x := 1;
           break L
         end loop;
         G (!x)
       end var
     end process`,
    [],
  );
  expectFlow(
    `process P [G: C] (b: bool) is
       var x: nat in
         loop L in
           if b then break L end if;
           x := 1;
           break L
         end loop;
         G (!x) -- @a
       end var
     end process`,
    ["LNT3001@a"],
  );
});

test("a loop without break never ends: what follows is unreachable, not uninitialised", () => {
  const [d] = expectFlow(
    `process P [G: C] is
       var x: nat in
         loop G (!0) end loop;
         G (!x) -- @a
       end var
     end process`,
    ["LNT3019@a"],
  );
  assert.equal(d!.severity, "warning");
});

test("alt: assigned after only when every branch assigns", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in
         alt x := 1; G (!x) [] x := 2 end alt;
         G (!x)
       end var
     end process`,
    [],
  );
  expectFlow(
    `process P [G: C] is
       var x: nat in
         alt G (!1); x := 1 [] G (!2) end alt;
         G (!x) -- @a
       end var
     end process`,
    ["LNT3001@a"],
  );
});

test("par: after it, what any branch assigned is assigned", () => {
  expectFlow(
    `process P [G, H: C] is
       var x, y: nat in
         par
           x := 1; G (!x)
         || y := 2; H (!y)
         end par;
         G (!(x + y))
       end var
     end process`,
    [],
  );
});

test("par: branches may read a variable assigned before, not one another branch assigns", () => {
  expectFlow(
    `process P [G, H: C] is
       var x: nat in
         x := 1;
         par G (!x) || H (!x) end par
       end var
     end process`,
    [],
  );
  expectFlow(
    `process P [G, H: C] is
       var x: nat in
         par G (!x) -- @a
         || H (!x) -- @b
         end par
       end var
     end process`,
    ["LNT3001@a", "LNT3001@b"],
  );
});

test("out and in out actuals: ?X assigns, !?X reads and assigns", () => {
  expectFlow(
    `function get (out r: nat) is r := 1 end function
     function bump (in out r: nat) is r := r + 1 end function
     process P [G: C] is
       var x: nat in
         get (?x);
         eval bump (!?x);
         G (!x)
       end var
     end process`,
    [],
  );
  expectFlow(
    `function bump (in out r: nat) is r := r + 1 end function
     process P [G: C] is
       var x: nat in
         bump (!?x); -- @a
         G (!x)
       end var
     end process`,
    ["LNT3001@a"],
  );
});

test("X := any T assigns, and its where clause sees the chosen value", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in
         x := any nat where x < 5;
         G (!x)
       end var
     end process`,
    [],
  );
});

test("a reception assigns, and the guard sees the received value", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in
         G (?x) where x > 0;
         G (!x)
       end var
     end process`,
    [],
  );
});

test("a variable declared in a loop body starts unassigned on each iteration", () => {
  expectFlow(
    `process P [G: C] is
       var y: nat in
         y := 0;
         loop
           var x: nat in
             G (!(x + y)); -- @a
             x := 1;
             y := x
           end var
         end loop
       end var
     end process`,
    ["LNT3001@a"],
  );
});

test("trap: a handler sees what was assigned where the exception may be raised", () => {
  const f = `function f [E: exit] (b: bool): nat is
               if b then raise E end if;
               return 0
             end function\n`;
  expectFlow(
    f +
      `function g (b: bool): nat is
         var x: nat in
           trap
             E: exit -> return x
           in
             x := 1;
             return f [E] (b)
           end trap
         end var
       end function`,
    [],
  );
  expectFlow(
    f +
      `function g (b: bool): nat is
         var x, y: nat in
           trap
             E: exit -> return x -- @a
           in
             y := f [E] (b);
             x := y;
             return x
           end trap
         end var
       end function`,
    ["LNT3001@a"],
  );
});

test("trap in a process: a handler may assign and break out of the enclosing loop", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in
         loop L in
           trap
             E: exit -> x := 0; break L
           in
             G (?x);
             if x > 3 then raise E end if
           end trap
         end loop;
         G (!x)
       end var
     end process`,
    [],
  );
});

test("a process's out parameter must be assigned when it terminates", () => {
  expectFlow(
    `process Q [G: C] (out n: nat) is
       G (?n)
     end process
     process Q2 [G: C] (b: bool, out n: nat) is -- @a
       if b then G (?n) end if
     end process
     process P [G: C] is
       var m: nat in
         Q [G] (?m);
         G (!m)
       end var
     end process`,
    ["LNT3008@a"],
  );
});

test("code after return is unreachable", () => {
  expectFlow(
    `function f (n: nat): nat is
       return n;
       return 1 -- @a
     end function`,
    ["LNT3019@a"],
  );
});

// ---------------------------------------------------------------------------
// par and disrupt: no shared variables

test("a variable written in one par branch and read in another is an error, naming the write", () => {
  const model = `process P [G: C] is
       var x: nat in
         x := 0;
         par
           x := 1 -- @w
         || G (!x) -- @a
         end par
       end var
     end process`;
  const [d] = expectFlow(model, ["LNT3002@a"]);
  assert.match(d!.message, /'x'.*parallel/);
  assert.equal(d!.related.length, 1);
  assert.equal(positionOf(d!.related[0]!.span.file, d!.related[0]!.span.start).line, markLine(model, "w"));
  assert.match(d!.related[0]!.message, /written/);
});

test("a variable written in two par branches is an error; a shared error is not also an uninitialised one", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in
         par
           x := 1; G (!x)
         || G (!x); -- @a
            x := 2
         end par
       end var
     end process`,
    ["LNT3002@a"],
  );
});

test("variables declared inside par branches are not shared", () => {
  expectFlow(
    `process P [G, H: C] is
       par
         var x: nat in x := 1; G (!x) end var
       || var x: nat in x := 2; H (!x) end var
       end par
     end process`,
    [],
  );
});

test("nested par: the rule applies between the branches of each par", () => {
  expectFlow(
    `process P [G, H: C] is
       var x, y: nat in
         par
           par x := 1; G (!x) || y := 2; H (!y) end par
         || G (!x) -- @a
         end par
       end var
     end process`,
    ["LNT3002@a"],
  );
});

test("disrupt: the interrupting part may not read what the first part writes", () => {
  const [d] = expectFlow(
    `process P [G, H: C] is
       var x: nat in
         x := 0;
         disrupt
           x := 1; G (!x)
         by
           H (!x) -- @a
         end disrupt
       end var
     end process`,
    ["LNT3025@a"],
  );
  assert.match(d!.message, /'x'.*disrupt/);
  expectFlow(
    `process P [G, H: C] is
       var x: nat in
         x := 0;
         disrupt
           x := 1; G (!x)
         by
           x := 2; H (!x)
         end disrupt;
         G (!x)
       end var
     end process`,
    [],
  );
});

test("disrupt: the interrupting part may read what only the code before wrote", () => {
  expectFlow(
    `process P [G, H: C] is
       var x, y: nat in
         x := 0;
         disrupt
           y := 1; G (!y)
         by
           H (!x)
         end disrupt
       end var
     end process`,
    [],
  );
});

test("disrupt: assigned after only when both parts assign", () => {
  expectFlow(
    `process P [G, H: C] is
       var x: nat in
         disrupt
           x := 1; G (!x)
         by
           H (!0)
         end disrupt;
         G (!x) -- @a
       end var
     end process`,
    ["LNT3001@a"],
  );
});

// ---------------------------------------------------------------------------
// Functions: return on every path, out parameters

test("a function that may end without return is an error at its name", () => {
  const [d] = expectFlow(
    `function f (b: bool): nat is -- @a
       if b then return 1 end if
     end function`,
    ["LNT3005@a"],
  );
  assert.match(d!.message, /'f'.*return/);
});

test("return on every path: if/else, case, a loop left only by return", () => {
  expectFlow(
    `function f (b: bool): nat is
       if b then return 1 else return 2 end if
     end function
     function g (n: nat): nat is
       var i: nat in
         i := 0;
         loop
           if i >= n then return i end if;
           i := i + 1
         end loop
       end var
     end function
     type L is list of nat end type
     function h (l: L): nat is
       case l in
         var x: nat in
         cons (x, any) -> return x
       | nil -> return 0
       end case
     end function`,
    [],
  );
});

test("a loop left by break reaches the end of the function", () => {
  expectFlow(
    `function f (n: nat): nat is -- @a
       var i: nat in
         i := 0;
         loop L in
           if i >= n then break L end if;
           i := i + 1
         end loop
       end var
     end function`,
    ["LNT3005@a"],
  );
});

test("an out parameter must be assigned at every return", () => {
  const [d] = expectFlow(
    `function f (b: bool, out r: nat): bool is
       if b then
         r := 1;
         return true
       end if;
       return false -- @a
     end function`,
    ["LNT3008@a"],
  );
  assert.match(d!.message, /'r'.*'f'/);
  expectFlow(
    `function f (b: bool, out r: nat): bool is
       if b then r := 1 else r := 2 end if;
       return b
     end function`,
    [],
  );
});

test("a procedure that falls off its end must have assigned its out parameters", () => {
  expectFlow(
    `function f (b: bool, out r: nat) is -- @a
       if b then r := 1 end if
     end function`,
    ["LNT3008@a"],
  );
});

test("an out parameter is not assigned on entry", () => {
  expectFlow(
    `function f (out r: nat) is
       r := r + 1 -- @a
     end function`,
    ["LNT3001@a"],
  );
});

// ---------------------------------------------------------------------------
// Warnings: variables, parameters and gates never used

test("a variable assigned but never read, and one never used at all, are warned about at their declaration", () => {
  const ds = expectFlow(
    `process P [G: C] is
       var x: nat, -- @a
           y: nat in -- @b
         x := 1;
         G (!0)
       end var
     end process`,
    ["LNT3003@a", "LNT3013@b"],
  );
  assert.ok(ds.every((d) => d.severity === "warning"));
  assert.match(ds.find((d) => d.code === "LNT3003")!.message, /'x'.*assigned but never used/);
  assert.match(ds.find((d) => d.code === "LNT3013")!.message, /'y'.*never used/);
});

test("a variable only received and never read is assigned but never used", () => {
  expectFlow(
    `process P [G: C] is
       var x: nat in -- @a
         loop G (?x) end loop
       end var
     end process`,
    ["LNT3003@a"],
  );
});

test("a case variable bound but never read is assigned but never used", () => {
  expectFlow(
    `type L is list of nat end type
     function first (l: L): nat is
       case l in
         var h: nat, t: L in -- @a
         cons (h, t) -> return h
       | nil -> return 0
       end case
     end function`,
    ["LNT3003@a"],
  );
});

test("use X silences the warning", () => {
  expectFlow(
    `process P [G: C] is
       var x, y: nat in
         x := 1;
         use x, y;
         G (!0)
       end var
     end process`,
    [],
  );
});

test("an in parameter never read is warned about; out and in out ones are not", () => {
  const [d] = expectFlow(
    `function f (x: nat,
                 y: nat, -- @a
                 out r: nat,
                 in out s: nat): nat is
       r := x;
       return x
     end function`,
    ["LNT3030@a"],
    [],
  );
  assert.equal(d!.severity, "warning");
  assert.match(d!.message, /'y'/);
});

test("no warning for the parameters of a !virtual function", () => {
  expectFlow(
    `function f (x: nat): nat !virtual is
       return 0
     end function`,
    [],
    [],
  );
});

test("a gate never used is warned about; access, sync sets and gate actuals count as uses", () => {
  const [d] = expectFlow(
    `process P [G: C,
                H: C] is -- @a
       G (!0)
     end process`,
    ["LNT3004@a"],
    [],
  );
  assert.match(d!.message, /'H'.*never used/);
  expectFlow(
    `process Q [G: C] is G (!0) end process
     process P [G, H, K: C] is
       access K;
       par H in Q [G] || Q [G] end par
     end process`,
    [],
    [],
  );
});

test("no warning for the gates and parameters of a !virtual process", () => {
  expectFlow(
    `process V [G: C] (n: nat) !virtual is
     end process
     process MAIN [G: C] is
       V [G] (1)
     end process`,
    [],
    [],
  );
});

test("the root process's unused gates and unused hidden gates are warned about too", () => {
  expectFlow(
    `process MAIN [G: C,
                   H: C] is -- @a
       hide K: C in -- @b
         G (!0)
       end hide
     end process`,
    ["LNT3004@a", "LNT3004@b"],
    [],
  );
});

// ---------------------------------------------------------------------------
// The shared models

test("the shared models get no flow diagnostic at all", () => {
  const files = lntFiles(sharedModels);
  assert.ok(files.length > 0);
  for (const f of files) {
    const r = loadModel(f, memoryHost({ [f]: readFileSync(f, "utf8") }));
    const bad = r.diagnostics.items.filter((d) => d.severity === "error" || FLOW_CODES.has(d.code));
    assert.deepEqual(
      bad.map((d) => `${d.code}:${lineOf(d)}: ${d.message}`),
      [],
      f,
    );
    assert.ok(r.model, f);
  }
});

function expectedOf(text: string): { lines: [number, number]; words: string[] } {
  const m = /^--\s*expect-error:\s*(\d+)(?:-(\d+))?:\s*(.*)$/m.exec(text);
  assert.ok(m, "expect-error header");
  const first = Number(m[1]);
  return { lines: [first, m[2] ? Number(m[2]) : first], words: m[3]!.split("|").map((w) => w.trim().toLowerCase()) };
}

for (const [name, code] of [
  ["uninitialized.lnt", "LNT3001"],
  ["shared_variable.lnt", "LNT3002"],
] as const) {
  test(`shared error model ${name}: ${code} on the expected line`, () => {
    const f = join(sharedErrorModels, name);
    const text = readFileSync(f, "utf8");
    const { lines, words } = expectedOf(text);
    const r = loadModel(f, memoryHost({ [f]: text }));
    assert.equal(r.model, undefined);
    const errs = r.diagnostics.items.filter((d) => d.severity === "error");
    assert.ok(errs.length > 0);
    for (const d of errs) {
      assert.equal(d.code, code, d.message);
      const line = lineOf(d);
      assert.ok(line >= lines[0] && line <= lines[1], `${d.message} at line ${line}`);
      assert.ok(
        words.some((w) => d.message.toLowerCase().includes(w)),
        d.message,
      );
    }
  });
}

// ---------------------------------------------------------------------------
// Time

function bigModel(processes: number): string {
  const parts = ["module big is", "channel C is (nat) end channel", "type L is list of nat end type"];
  for (let k = 0; k < processes; k++) {
    parts.push(
      `function f${k} (l: L, n: nat, out r: nat): nat is`,
      `   var i, s: nat in`,
      `      s := 0; r := 0;`,
      `      for i := 0 while i < n by i := i + 1 loop`,
      `         case l in`,
      `            var h: nat in`,
      `            cons (h, any) where h > i -> s := s + h`,
      `         |  any -> s := s + 1`,
      `         end case`,
      `      end loop;`,
      `      if s > 10 then r := s elsif s > 5 then r := 1 else r := 2 end if;`,
      `      return s + r`,
      `   end var`,
      `end function`,
      `process P${k} [G, H: C] (n: nat) is`,
      `   var x, y, z: nat, l: L in`,
      `      x := n; l := {};`,
      `      loop L in`,
      `         alt`,
      `            G (?y) where y > x;`,
      `            z := f${k} (l, y, ?x);`,
      `            H (!z)`,
      `         []`,
      `            H (?z);`,
      `            if z == 0 then break L end if;`,
      `            x := z`,
      `         []`,
      `            par`,
      `               y := x + 1; G (!y)`,
      `            || z := x + 2; H (!z)`,
      `            end par;`,
      `            x := y + z`,
      `         end alt`,
      `      end loop;`,
      `      G (!x)`,
      `   end var`,
      `end process`,
    );
  }
  parts.push("process MAIN [G, H: C] is", "   P0 [G, H] (1)", "end process", "end module");
  return parts.join("\n") + "\n";
}

test("a 20,000-line model is analysed in well under 0.3 s", () => {
  const text = bigModel(545);
  assert.ok(text.split("\n").length >= 20_000);
  const r = loadModel("big.lnt", memoryHost({ "big.lnt": text }));
  assert.deepEqual(
    r.diagnostics.items.map((d) => `${d.code}:${lineOf(d)}: ${d.message}`),
    [],
  );
  assert.ok(r.model);
  const model = r.model;
  // Best of three, so that a busy machine (the suite runs in parallel) does
  // not fail the test; a typical run takes a few tens of milliseconds.
  let ms = Infinity;
  for (let k = 0; k < 3; k++) {
    const start = performance.now();
    const diags = new DiagnosticBag();
    checkFlow(model, diags, new Set());
    ms = Math.min(ms, performance.now() - start);
    assert.equal(diags.items.length, 0);
  }
  assert.ok(ms < 200, `flow analysis took ${ms.toFixed(1)} ms`);
});
