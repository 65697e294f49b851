// Values: canonical keys, order, enumeration, and CADP-style printing; the
// seeded PRNG of simulate.

import { test } from "node:test";
import assert from "node:assert/strict";
import { compare, equals, enumerate, keyOf, makeCtor, printValue, type Value } from "../../src/semantics/values.js";
import { prng } from "../../src/semantics/simulate.js";
import { modelFromText } from "./helpers.js";

const model = modelFromText(`module v is
type Col is Red, Green, Blue with ==, != end type
type P is P (c: Col, b: bool) with == end type
type R is range 2 .. 4 of nat with == end type
type L is list of Col with == end type
process MAIN [G: none] is G end process
end module`);
const ty = (name: string) => model.types.find((t) => t.name.toLowerCase() === name.toLowerCase())!;

test("keys are injective on concatenation and equal for equal values", () => {
  const vals: Value[] = [0, 1, 12, -3, 2n ** 70n, true, false, "", "a", "1;", [], [1], [[]], [1, 2], [12]];
  const keys = vals.map((v) => keyOf(v));
  assert.equal(new Set(keys).size, keys.length);
  // Self-delimiting: pairs concatenate without collisions.
  const pairs = new Set<string>();
  for (const a of vals) for (const b of vals) pairs.add(keyOf(a) + keyOf(b));
  assert.equal(pairs.size, vals.length * vals.length);
  const col = ty("Col").def;
  assert.ok(col.kind === "constructors");
  const [red, green] = col.constructors;
  assert.equal(keyOf(makeCtor(red!, [])), keyOf(makeCtor(red!, [])));
  assert.notEqual(keyOf(makeCtor(red!, [])), keyOf(makeCtor(green!, [])));
  assert.ok(equals([makeCtor(red!, [])], [makeCtor(red!, [])]));
});

test("order: numbers numerically, false < true, constructors by declaration", () => {
  assert.ok(compare(2, 10) < 0);
  assert.ok(compare(2n ** 60n, 3) > 0);
  assert.ok(compare(false, true) < 0);
  const col = ty("Col").def;
  assert.ok(col.kind === "constructors");
  assert.ok(compare(makeCtor(col.constructors[2]!, []), makeCtor(col.constructors[0]!, [])) > 0);
  assert.ok(compare([1, 2], [1, 2, 0]) < 0);
});

test("finite types enumerate; infinite ones do not", () => {
  const member = () => true;
  assert.deepEqual(enumerate(ty("R"), member), [2, 3, 4]);
  assert.equal(enumerate(ty("P"), member)!.length, 6);
  assert.equal(enumerate(ty("L"), member), undefined);
  assert.equal(enumerate(model.predefined.nat, member), undefined);
  assert.deepEqual(enumerate(model.predefined.bool, member), [false, true]);
});

test("values print as CADP prints them", () => {
  const p = ty("P").def;
  const col = ty("Col").def;
  assert.ok(p.kind === "constructors" && col.kind === "constructors");
  assert.equal(printValue(makeCtor(p.constructors[0]!, [makeCtor(col.constructors[1]!, []), true]), ty("P")), "P (GREEN, TRUE)");
  assert.equal(printValue([makeCtor(col.constructors[0]!, [])], ty("L")), "CONS (RED, NIL)");
  assert.equal(printValue(-3, model.predefined.int), "-3");
  assert.equal(printValue(2n ** 64n, model.predefined.nat), "18446744073709551616");
  assert.equal(printValue('say "hi"', model.predefined.string), '"say \\"hi\\""');
  assert.equal(printValue("x", model.predefined.char), "'x'");
  assert.equal(printValue(1, model.predefined.real), "1.0");
  assert.equal(printValue(0.25, model.predefined.real), "0.25");
});

test("the PRNG is deterministic per seed and roughly uniform", () => {
  const a = prng(7);
  const b = prng(7);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  for (const x of xs) assert.ok(x >= 0 && x < 1);
  const buckets = [0, 0, 0, 0];
  for (const x of xs) buckets[Math.floor(x * 4)]!++;
  for (const n of buckets) assert.ok(n > 180 && n < 320, `bucket ${n}`);
  assert.notDeepEqual(Array.from({ length: 5 }, prng(8)), xs.slice(0, 5));
});
