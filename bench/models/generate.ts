// The LNT models of the rendezvous benchmarks, generated where their size varies:
// a pingpong without end, an N-party barrier, deadlock-free dining philosophers (the
// last philosopher takes its forks in the other order), a paint-like value negotiation
// with guards and no emitter, and a task selecting over 8 gates shared with 8 partners.
// Every model runs for ever; values wrap so that the state space stays finite.
//
//   node dist/bench/models/generate.js        rewrites bench/models/*.lnt

import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Two tasks exchange a nat by binary rendezvous for ever; n wraps at `wrap`. */
export function pingpong(wrap = 1_000_000): string {
  return `-- Scenario 1 of the rendezvous benchmarks: two tasks exchange a nat for ever.
-- PING carries n one way, PONG carries n+1 back under a guard; n wraps at ${wrap}.
module pingpong_forever is

channel NAT is (nat) end channel

process PINGER [PING, PONG: NAT] (wrap: nat) is
   var n, m: nat in
      n := 0;
      loop
         PING (!n);
         PONG (?m) where m == n + 1;
         if m == wrap then n := 0 else n := m end if
      end loop
   end var
end process

process PONGER [PING, PONG: NAT] is
   var x: nat in
      loop
         PING (?x);
         PONG (!x + 1)
      end loop
   end var
end process

process MAIN [PING, PONG: NAT] is
   par PING, PONG in
      PINGER [PING, PONG] (${wrap})
   ||
      PONGER [PING, PONG]
   end par
end process

end module
`;
}

/** `n` workers meet on STEP for ever, each offering the same round number (mod `rounds`). */
export function barrier(n: number, rounds = 1000): string {
  const workers = Array.from({ length: n }, () => `WORKER [STEP] (${rounds})`).join("\n   || ");
  return `-- Scenario 2 of the rendezvous benchmarks: a barrier of ${n} tasks on one gate, for ever.
-- STEP is a ${n}-party rendezvous on which every worker offers the round number (mod ${rounds}).
module barrier_${n} is

channel ROUND is (nat) end channel

process WORKER [STEP: ROUND] (rounds: nat) is
   var r: nat in
      r := 0;
      loop
         STEP (!r);
         if r + 1 == rounds then r := 0 else r := r + 1 end if
      end loop
   end var
end process

process MAIN [STEP: ROUND] is
   par STEP in
      ${workers}
   end par
end process

end module
`;
}

/**
 * `n` philosophers and `n` forks as tasks; TAKE and DROP carry (philosopher, fork), so
 * which fork takes part is chosen by the values. Philosopher p's forks are p and p+1 mod
 * n; every philosopher takes the lower-numbered one first, which breaks the cycle of
 * waiting (the last one takes fork 0 first): no deadlock, and it runs for ever.
 */
export function philosophers(n: number): string {
  const phils = Array.from({ length: n }, (_x, p) => {
    const a = p, b = (p + 1) % n;
    return `PHILOSOPHER [TAKE, DROP, EAT] (${p}, ${Math.min(a, b)}, ${Math.max(a, b)})`;
  }).join("\n      || ");
  const forks = Array.from({ length: n }, (_x, f) => `FORK [TAKE, DROP] (${f})`).join("\n      || ");
  return `-- Scenario 3 of the rendezvous benchmarks: ${n} dining philosophers, for ever.
-- Forks are tasks; every philosopher takes its lower-numbered fork first, so the cycle of
-- waiting is broken and the model cannot deadlock. Philosophers next to each other
-- compete for a fork: rendezvous are chosen among conflicting offers.
module philosophers_${n} is

channel FORK_OP is (nat, nat) end channel   -- (philosopher, fork)
channel PHIL is (nat) end channel

process FORK [TAKE, DROP: FORK_OP] (f: nat) is
   var p: nat in
      loop
         TAKE (?p, !f);
         DROP (!p, !f)
      end loop
   end var
end process

process PHILOSOPHER [TAKE, DROP: FORK_OP, EAT: PHIL] (p, first, second: nat) is
   loop
      TAKE (!p, !first);
      TAKE (!p, !second);
      EAT (!p);
      DROP (!p, !second);
      DROP (!p, !first)
   end loop
end process

process MAIN [TAKE, DROP: FORK_OP, EAT: PHIL] is
   par TAKE, DROP in
      par
      ${phils}
      end par
   ||
      par
      ${forks}
      end par
   end par
end process

end module
`;
}

/**
 * Value negotiation with no emitter: three choosers receive a shade under guards that
 * leave exactly one shade, and a recorder receives it unguarded, then reports it.
 */
export function negotiation(): string {
  return `-- Scenario 4 of the rendezvous benchmarks: value negotiation with guards and no emitter.
-- Nobody offers the shade: every party receives it. Each chooser excludes one shade by a
-- guard; the only shade all guards allow is Ochre, which the rendezvous must find.
module negotiation is

type Shade is
   Crimson, Teal, Ochre, Slate
   with ==, !=
end type

channel SHADE_C is (Shade) end channel

process CHOOSER [PICK: SHADE_C] (no1, no2: Shade) is
   var s: Shade in
      loop
         PICK (?s) where (s != no1) and (s != no2)
      end loop
   end var
end process

process RECORDER [PICK, SEEN: SHADE_C] is
   var s: Shade in
      loop
         PICK (?s);
         SEEN (!s)
      end loop
   end var
end process

process MAIN [PICK, SEEN: SHADE_C] is
   par PICK in
      CHOOSER [PICK] (Crimson, Teal)
   || CHOOSER [PICK] (Teal, Slate)
   || CHOOSER [PICK] (Crimson, Slate)
   || RECORDER [PICK, SEEN]
   end par
end process

end module
`;
}

/** A hub offering on `k` gates at once, each gate shared with one partner that loops on it. */
export function select(k = 8): string {
  const gates = Array.from({ length: k }, (_x, i) => `G${i}`);
  const branches = gates.map((g, i) => `${g} (!${i})`).join("\n         [] ");
  const partners = gates.map((g, i) => `PARTNER [${g}] (${i})`).join("\n      || ");
  return `-- Scenario 5 of the rendezvous benchmarks: a hub offers on ${k} gates at once (select);
-- each gate is shared with one partner task that offers on it for ever, so every step of
-- the hub is a choice among ${k} possible rendezvous.
module select_${k} is

channel NAT is (nat) end channel

process HUB [${gates.join(", ")}: NAT] is
   loop
      select
         ${branches}
      end select
   end loop
end process

process PARTNER [G: NAT] (i: nat) is
   var x: nat in
      loop
         G (?x) where x == i
      end loop
   end var
end process

process MAIN [${gates.join(", ")}: NAT] is
   par ${gates.join(", ")} in
      HUB [${gates.join(", ")}]
   ||
      par
         ${partners}
      end par
   end par
end process

end module
`;
}

/** Every benchmark model, by file name (a module lives in a file of its own name). */
export function benchModels(): Record<string, string> {
  return {
    "pingpong_forever.lnt": pingpong(),
    "barrier_2.lnt": barrier(2),
    "barrier_4.lnt": barrier(4),
    "barrier_8.lnt": barrier(8),
    "philosophers_5.lnt": philosophers(5),
    "philosophers_16.lnt": philosophers(16),
    "negotiation.lnt": negotiation(),
    "select_8.lnt": select(8),
  };
}

/** bench/models in the source tree (this file runs from dist/bench/models). */
export function modelsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bench", "models");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = modelsDir();
  for (const [name, text] of Object.entries(benchModels())) {
    writeFileSync(join(dir, name), text);
    process.stdout.write(`wrote ${join("bench/models", name)}\n`);
  }
}
