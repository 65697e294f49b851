// Generates a large, valid LNT model for front-end benchmarks: many types,
// functions and processes using the common constructs, of about `lines` lines.

export function generateModel(lines: number): string {
  const out: string[] = [];
  out.push("module big is", "", "!nat_bits 32", "");
  out.push("channel NAT is (nat) end channel", "channel PAIR is (nat, bool) end channel", "");
  let i = 0;
  while (out.length < lines) {
    out.push(
      `type Color${i} is Red${i}, Green${i}, Blue${i} with ==, !=, <, ord end type`,
      ``,
      `type Rec${i} is`,
      `   Rec${i} (a: nat, b: bool, c: Color${i}),`,
      `   Empty${i}`,
      `   with ==, !=, get, set`,
      `end type`,
      ``,
      `type List${i} is list of Rec${i} with ==, !=, length, head, tail, append end type`,
      ``,
      `function step${i} (r: Rec${i}, n: nat): Rec${i} is`,
      `   case r in`,
      `      var a: nat, b: bool, c: Color${i} in`,
      `      Rec${i} (a, b, c) where a < n ->`,
      `         if b then`,
      `            return Rec${i} (a + 1, not (b), c)`,
      `         elsif c == Red${i} then`,
      `            return r.{a -> a * 2}`,
      `         else`,
      `            return Rec${i} ((a + n) mod 7, b, Blue${i})`,
      `         end if`,
      `   |  any -> return Empty${i}`,
      `   end case`,
      `end function`,
      ``,
      `function sum${i} (l: List${i}): nat is`,
      `   var total: nat, rest: List${i} in`,
      `      total := 0;`,
      `      rest := l;`,
      `      while rest != {} loop`,
      `         case head (rest) in`,
      `            var a: nat in`,
      `            Rec${i} (a, any bool, any Color${i}) -> total := total + a`,
      `         |  Empty${i} -> null`,
      `         end case;`,
      `         rest := tail (rest)`,
      `      end loop;`,
      `      return total`,
      `   end var`,
      `end function`,
      ``,
      `process Worker${i} [G: NAT, H: PAIR] (id: nat) is`,
      `   var r: Rec${i}, x: nat, l: List${i} in`,
      `      r := Rec${i} (id, true, Red${i});`,
      `      l := {};`,
      `      loop L in`,
      `         alt`,
      `            G (?x) where x > id;`,
      `            r := step${i} (r, x);`,
      `            l := append (r, l)`,
      `         []`,
      `            H (!sum${i} (l), ?any bool)`,
      `         []`,
      `            only if length (l) > 3 then break L end if`,
      `         end alt`,
      `      end loop`,
      `   end var`,
      `end process`,
      ``,
    );
    i++;
  }
  out.push(`process MAIN [G: NAT, H: PAIR] is`, `   par G in`);
  const n = Math.min(i, 50);
  for (let k = 0; k < n; k++) out.push(`   ${k === 0 ? "  " : "||"} Worker${k} [G, H] (${k})`);
  out.push(`   end par`, `end process`, ``, `end module`);
  return out.join("\n") + "\n";
}
