// Property test of the flow analyses against the reference interpreter:
// random process and function bodies over a few variables, built from every
// construct the analyses follow (if, case, alt, loops with break, while, par,
// disrupt, stop, return, trap and raise). Whenever the front end accepts a model, running it
// must never fail for want of a value (a variable, or an out parameter, read
// unassigned) or of a return. The generator is seeded,
// so a failure names a reproducible model.

import { test } from "node:test";
import assert from "node:assert/strict";
import { loadModel, memoryHost } from "../../src/frontend/index.js";
import { explore, initialState } from "../../src/semantics/explorer.js";
import { LntRuntimeError } from "../../src/semantics/values.js";
import { Msg } from "../../src/frontend/diagnostic-messages.js";
import { formatMessage } from "../../src/frontend/diagnostics.js";

/** mulberry32: small, seeded, good enough to vary the shapes. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
  };
}

class Gen {
  private labels = 0;
  private counters = 0;
  constructor(private readonly rnd: (n: number) => number) {}

  private v(prefix: string, n: number): string {
    return `${prefix}${this.rnd(n)}`;
  }

  /** Assignments of some of x0..x3, so that not every model reads one unassigned. */
  prelude(): string {
    return ["x0", "x1", "x2", "x3"]
      .filter(() => this.rnd(2) === 0)
      .map((v) => `${v} := ${this.rnd(2)}; `)
      .join("");
  }

  /** A behaviour over x0..x3 (nat) and c (bool), with gate G. */
  behaviour(d: number, labels: readonly string[]): string {
    const x = () => this.v("x", 4);
    const sub = (ls: readonly string[] = labels) => this.behaviour(d - 1, ls);
    switch (this.rnd(d <= 0 ? 5 : 15)) {
      case 0:
        return `${x()} := ${this.rnd(2)}`;
      case 1:
        return `G (!${x()})`;
      case 2:
        return `${x()} := ${x()} + 1`;
      case 3:
        return labels.length > 0 && this.rnd(2) === 0 ? `break ${labels[this.rnd(labels.length)]}` : "i";
      case 4:
        return this.rnd(5) === 0 ? "stop" : "null";
      case 5:
      case 6:
        return `${sub()}; ${sub()}`;
      case 7:
        return `c := any bool; if c then ${sub()} ${this.rnd(2) ? `else ${sub()} ` : ""}end if`;
      case 8:
        return `alt ${sub()} [] ${sub()} end alt`;
      case 9: {
        const l = `L${this.labels++}`;
        return `loop ${l} in ${this.behaviour(d - 1, [...labels, l])}; break ${l} end loop`;
      }
      case 10: {
        const l = `L${this.labels++}`;
        return `loop ${l} in c := any bool; if c then break ${l} end if; ${this.behaviour(d - 1, [...labels, l])} end loop`;
      }
      case 11:
        return `c := any bool; while c loop ${sub()}; c := any bool end loop`;
      case 12:
        // `break` cannot leave a par.
        return `par ${sub([])} || ${sub([])} end par`;
      case 13:
        // The interpreter runs the parts of a disrupt as threads: no break out of them.
        return `disrupt ${sub([])} by ${sub([])} end disrupt`;
      default:
        return `c := any bool; case c in true -> ${sub()} | false -> ${sub()} end case`;
    }
  }

  /** A function body: some variables set first and a final return, most of the time. */
  functionBody(): string {
    const init = ["r", "y0", "y1", "y2"].filter((v) => this.rnd(v === "r" ? 8 : 3) !== 0).map((v) => `${v} := ${this.rnd(3)}; `);
    const end = this.rnd(4) === 0 ? "" : `; return ${this.rnd(2) === 0 ? "n" : this.v("y", 3)}`;
    return `${init.join("")}${this.instruction(3, [])}${end}`;
  }

  /** An instruction over y0..y2 (nat), the parameter n and the out parameter r. */
  instruction(d: number, labels: readonly string[], excs: readonly string[] = []): string {
    const y = () => (this.rnd(4) === 0 ? "r" : this.v("y", 3));
    const e = () => (this.rnd(3) === 0 ? "n" : y());
    const sub = () => this.instruction(d - 1, labels, excs);
    switch (this.rnd(d <= 0 ? 5 : 12)) {
      case 0:
        return `${y()} := ${this.rnd(3)}`;
      case 1:
        return `${y()} := ${e()} + 1`;
      case 2:
        return `return ${e()}`;
      case 3:
        if (labels.length > 0 && this.rnd(2) === 0) return `break ${labels[this.rnd(labels.length)]}`;
        return excs.length > 0 && this.rnd(2) === 0 ? `raise ${excs[this.rnd(excs.length)]}` : "null";
      case 4:
        return "null";
      case 5:
      case 6:
        return `${sub()}; ${sub()}`;
      case 7:
        return `if n > ${this.rnd(3)} then ${sub()} ${this.rnd(2) ? `else ${sub()} ` : ""}end if`;
      case 8: {
        const l = `L${this.labels++}`;
        return `loop ${l} in ${this.instruction(d - 1, [...labels, l], excs)}; break ${l} end loop`;
      }
      case 9: {
        // A dedicated counter keeps every loop finite.
        const k = `k${this.counters++ % 2}`;
        return `${k} := 0; while ${k} < 2 loop ${sub()}; ${k} := ${k} + 1 end loop`;
      }
      case 10: {
        // The handler runs outside the trap: it may raise only the outer exceptions.
        const x = `E${this.labels++}`;
        return `trap ${x}: exit -> ${sub()} in ${this.instruction(d - 1, labels, [...excs, x])} end trap`;
      }
      default:
        return `case n in 0 -> ${sub()} | 1 -> ${sub()} | any -> ${sub()} end case`;
    }
  }
}

function model(seed: number): string {
  const g = new Gen(prng(seed));
  const fn = g.functionBody();
  const beh = g.prelude() + g.behaviour(4, []);
  return `module m is
channel C is (nat) end channel
function f (n: nat, out r: nat): nat is
  var y0, y1, y2, k0, k1: nat in
    ${fn}
  end var
end function
process MAIN [G: C] is
  var x0, x1, x2, x3, v, w: nat, c: bool in
    v := f (0, ?w); G (!(v + w));
    v := f (1, ?w); G (!(v + w));
    v := f (2, ?w); G (!(v + w));
    ${beh}
  end var
end process
end module
`;
}

test("models the flow analyses accept never fail at run time for want of a value or a return", () => {
  let accepted = 0;
  let rejected = 0;
  for (let seed = 1; seed <= 800; seed++) {
    const text = model(seed);
    const r = loadModel("m.lnt", memoryHost({ "m.lnt": text }));
    if (!r.model) {
      // Only the flow analyses may reject: the generator writes well-typed models.
      const other = r.diagnostics.items.filter((d) => d.severity === "error" && !/^LNT30(01|02|05|08|25)$/.test(d.code));
      assert.deepEqual(
        other.map((d) => `${d.code} ${d.message}`),
        [],
        `seed ${seed}:\n${text}`,
      );
      rejected++;
      continue;
    }
    accepted++;
    // Divergence errors (a loop with no action, unguarded recursion) are
    // about the random shapes, not about flow: only these two count.
    let error: string | undefined;
    const note = (err: LntRuntimeError) => {
      if (err.msg === Msg.RuntimeError || err.msg === Msg.NoReturnValue) error = formatMessage(err.msg.text, err.args);
    };
    try {
      const res = explore(initialState(r.model.root!, []), { maxStates: 400 });
      if (res.error) note(res.error.error);
    } catch (err) {
      if (!(err instanceof LntRuntimeError)) throw err;
      note(err);
    }
    assert.equal(error, undefined, `seed ${seed}:\n${text}`);
  }
  // Both outcomes must be well represented, or the test proves little.
  assert.ok(accepted > 100, `accepted ${accepted}`);
  assert.ok(rejected > 100, `rejected ${rejected}`);
});
