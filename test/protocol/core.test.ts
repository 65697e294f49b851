// The protocol core step by step, as a reader would trace it by hand: the codec, the
// lock-free commit among exclusive tasks, a lock path, a queued lock, and a refusal that
// rides on the next READY.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Commit, Effects, ManagerConfig, ManagerSide, MSG_ABORT, MSG_COMMIT, MSG_DONE, MSG_LOCK, MSG_READY,
  MSG_RELEASE, NegRef, Offer, Participant, Position, Proposal, Reader, Ready, TableOracle, TaskSide,
  decodeEffects, encodeEffects,
} from "../../runtime-as/protocol/index.js";

const bytes = (...v: number[]): Uint8Array => Uint8Array.of(...v);
const emit = (gate: number, v: number, index = 0): Offer => new Offer(index, gate, 0, new Uint8Array(0), [Position.emitted(bytes(v))]);
const recv = (gate: number, type: number, index = 0): Offer => new Offer(index, gate, 0, new Uint8Array(0), [Position.received(type)]);
const kinds = (fx: Effects): string[] => fx.sends.map((e) => `${e.toManager ? "M" : "T"}${e.to}:${e.bytes[0]}`);

test("codec: every message survives encode/decode", () => {
  const offer = new Offer(2, 5, 1, bytes(1, 2, 3), [Position.emitted(bytes(7, 8)), Position.received(4)]);
  const ready = new Ready(3, 300, true, [offer], [new NegRef(MSG_ABORT, -1, 9, 3, 299, 1)]);
  const rb = ready.encode();
  assert.equal(rb[0], MSG_READY);
  const r = new Reader(rb);
  r.byte();
  const back = Ready.decode(r);
  assert.equal(back.step, 300);
  assert.equal(back.exclusive, true);
  assert.deepEqual([...back.offers[0]!.captured], [1, 2, 3]);
  assert.deepEqual([...back.offers[0]!.positions[0]!.value], [7, 8]);
  assert.equal(back.offers[0]!.positions[1]!.type, 4);
  assert.equal(back.refusals[0]!.neg, 9);
  assert.equal(back.refusals[0]!.step, 299);

  const p = new Proposal(1, 77, 5, [bytes(7)], [new Participant(0, 4, 1, true), new Participant(2, 9, 0, false)], 0);
  const pr = new Reader(p.encode());
  assert.equal(pr.byte(), MSG_LOCK);
  const pb = Proposal.decode(pr);
  assert.deepEqual(pb.path(), [0]);
  assert.equal(pb.participants[1]!.step, 9);

  const c = new Commit(1, 77, 4, 5, 1, [bytes(7)]);
  const cr = new Reader(c.encode());
  assert.equal(cr.byte(), MSG_COMMIT);
  assert.deepEqual(Commit.decode(cr), c);

  const fx = new Effects();
  fx.toTask(3, c);
  fx.toManager(0, new NegRef(MSG_DONE, 0, 5, 1, 2, 0));
  assert.deepEqual(kinds(decodeEffects(encodeEffects(fx))), ["T3:3", "M0:4"]);
});

test("two exclusive tasks: READY, READY, then COMMIT to both; no lock", () => {
  const gateManager = [0];
  const t0 = new TaskSide(0, gateManager);
  const t1 = new TaskSide(1, gateManager);
  const m = new ManagerSide(new ManagerConfig(0, 2, [0], [[[0, 1]]]), new TableOracle([4]));
  const r0 = t0.offer([emit(0, 3)], false);
  const r1 = t1.offer([recv(0, 0)], false);
  assert.deepEqual(kinds(r0), [`M0:${MSG_READY}`]);
  assert.equal(m.receive(r0.sends[0]!.bytes).sends.length, 0);
  const fx = m.receive(r1.sends[0]!.bytes);
  assert.deepEqual(kinds(fx), [`T0:${MSG_COMMIT}`, `T1:${MSG_COMMIT}`]);
  assert.equal(fx.actions.length, 1);
  assert.deepEqual([...fx.actions[0]!.values[0]!], [3]);
  const f1 = t1.receive(fx.sends[1]!.bytes).fired!;
  assert.equal(f1.step, 1);
  assert.deepEqual([...f1.values[0]!], [3]);
});

test("a shared task is locked; being last of the path, it commits for everyone", () => {
  // Gate 0 on manager 0, gate 1 on manager 1; T0 offers both, T1 only gate 0.
  const gateManager = [0, 1];
  const t0 = new TaskSide(0, gateManager);
  const t1 = new TaskSide(1, gateManager);
  const m0 = new ManagerSide(new ManagerConfig(0, 2, [0], [[[0, 1]]]), new TableOracle([]));
  const r0 = t0.offer([new Offer(0, 0, 0, new Uint8Array(0), []), new Offer(1, 1, 0, new Uint8Array(0), [])], false);
  assert.deepEqual(kinds(r0), [`M0:${MSG_READY}`, `M1:${MSG_READY}`]);
  const r1 = t1.offer([new Offer(0, 0, 0, new Uint8Array(0), [])], false);
  m0.receive(r0.sends[0]!.bytes);
  const lock = m0.receive(r1.sends[0]!.bytes);
  assert.deepEqual(kinds(lock), [`T0:${MSG_LOCK}`]);
  const commit = t0.receive(lock.sends[0]!.bytes);
  assert.deepEqual(kinds(commit), [`T1:${MSG_COMMIT}`, `M0:${MSG_DONE}`]);
  assert.equal(commit.fired!.offer, 0);
  assert.equal(t1.receive(commit.sends[0]!.bytes).fired!.gate, 0);
  const done = m0.receive(commit.sends[1]!.bytes);
  assert.equal(done.actions.length, 1);
});

test("a lock queued behind another is granted on RELEASE, refused (on the next READY) after a firing", () => {
  const gateManager = [0, 1];
  const t = new TaskSide(0, gateManager);
  t.offer([new Offer(0, 0, 0, new Uint8Array(0), []), new Offer(1, 1, 0, new Uint8Array(0), [])], false);
  // Two proposals on step 1, each with T0 first of a path of two (T1, T2 follow).
  const p1 = new Proposal(0, 1, 0, [], [new Participant(0, 1, 0, true), new Participant(1, 1, 0, true)], 0);
  const p2 = new Proposal(1, 1, 1, [], [new Participant(0, 1, 1, true), new Participant(2, 1, 0, true)], 0);
  assert.deepEqual(kinds(t.receive(p1.encode())), [`T1:${MSG_LOCK}`]);
  assert.deepEqual(kinds(t.receive(p2.encode())), [], "queued while held by p1");
  assert.deepEqual(kinds(t.receive(new NegRef(MSG_RELEASE, 0, 1, 0, 0, 0).encode())), [`T2:${MSG_LOCK}`], "p1 released: p2 granted");
  // p2 commits (T2 was last): T0 fires. A lock of a third proposal arrives before the next offers.
  assert.ok(t.receive(new Commit(1, 1, 1, 1, 1, []).encode()).fired !== null);
  const p3 = new Proposal(0, 2, 0, [], [new Participant(0, 1, 0, true), new Participant(1, 1, 0, true)], 0);
  assert.deepEqual(kinds(t.receive(p3.encode())), [], "refusal deferred");
  const next = t.offer([new Offer(0, 0, 0, new Uint8Array(0), [])], false);
  assert.deepEqual(kinds(next), [`M0:${MSG_READY}`], "the refusal rides on the READY");
  const r = new Reader(next.sends[0]!.bytes);
  r.byte();
  const rd = Ready.decode(r);
  assert.equal(rd.step, 2);
  assert.deepEqual(rd.refusals.map((x) => [x.neg, x.step]), [[2, 1]]);
});

test("a lock for a step the task has left is refused at once", () => {
  const t = new TaskSide(0, [0]);
  t.offer([new Offer(0, 0, 0, new Uint8Array(0), [])], true);
  assert.ok(t.canMoveAlone());
  t.moveAlone();
  t.offer([new Offer(0, 0, 0, new Uint8Array(0), [])], true);
  const stale = new Proposal(0, 5, 0, [], [new Participant(0, 1, 0, true)], 0);
  assert.deepEqual(kinds(t.receive(stale.encode())), [`M0:${MSG_ABORT}`]);
});

test("paint: the manager picks the colour nobody emits that every guard accepts", () => {
  const t = [0, 1, 2].map((i) => new TaskSide(i, [0]));
  const m = new ManagerSide(new ManagerConfig(0, 3, [0], [[[0, 1, 2]]]), new TableOracle([3]));
  // Guard kind 1: per position, the allowed values (count, then values).
  const picky = (forbidden: number): Offer => new Offer(0, 0, 1, bytes(2, ...[0, 1, 2].filter((c) => c !== forbidden)), [Position.received(0)]);
  m.receive(t[0]!.offer([picky(0)], false).sends[0]!.bytes);
  m.receive(t[1]!.offer([picky(1)], false).sends[0]!.bytes);
  const fx = m.receive(t[2]!.offer([recv(0, 0)], false).sends[0]!.bytes);
  assert.deepEqual([...fx.actions[0]!.values[0]!], [2]);
});

test("step numbers wrap past 2^31 and are still told apart", () => {
  const gateManager = [0, 1];
  const t0 = new TaskSide(0, gateManager);
  const t1 = new TaskSide(1, gateManager);
  const m0 = new ManagerSide(new ManagerConfig(0, 2, [0], [[[0, 1]]]), new TableOracle([]));
  t0.step = 0x7ffffffd;
  t1.step = -3;
  m0.nextNeg = 0x7fffffff;
  const free = (gate: number, index: number): Offer => new Offer(index, gate, 0, new Uint8Array(0), []);
  let fired = 0;
  for (let round = 0; round < 6; round++) {
    // T0 is shared (gates 0 and 1), T1 exclusive: each rendezvous goes through a lock.
    const r0 = t0.offer([free(0, 0), free(1, 1)], false);
    const r1 = t1.offer([free(0, 0)], false);
    m0.receive(r0.sends[0]!.bytes);
    const lock = m0.receive(r1.sends[0]!.bytes);
    assert.deepEqual(kinds(lock), [`T0:${MSG_LOCK}`], `round ${round}`);
    const commit = t0.receive(lock.sends[0]!.bytes);
    assert.equal(t1.receive(commit.sends[0]!.bytes).fired!.step, t1.step);
    assert.equal(m0.receive(commit.sends[1]!.bytes).actions.length, 1);
    fired++;
    // A READY of the previous step arriving late must not replace the current one.
    const stale = new Ready(1, (t1.step - 1) | 0, true, [free(0, 0)], []).encode();
    m0.receive(stale);
    assert.equal(m0.ready[1], null, "a late READY of a fired step is not taken as current");
  }
  assert.equal(fired, 6);
  assert.ok(t0.step < 0 && m0.nextNeg < 0, "both counters wrapped");
});

test("flush sends the deferred refusals at once, as plain ABORTs", () => {
  const t = new TaskSide(0, [0]);
  t.offer([new Offer(0, 0, 0, new Uint8Array(0), [])], true);
  t.moveAlone();
  const late = new Proposal(0, 3, 0, [], [new Participant(0, 1, 0, true), new Participant(1, 1, 0, true)], 0);
  assert.deepEqual(kinds(t.receive(late.encode())), []);
  assert.deepEqual(kinds(t.flush()), [`M0:${MSG_ABORT}`]);
  const next = t.offer([new Offer(0, 0, 0, new Uint8Array(0), [])], false);
  const r = new Reader(next.sends[0]!.bytes);
  r.byte();
  assert.equal(Ready.decode(r).refusals.length, 0, "nothing left to piggyback");
});
