// Two models whose `ensure` clauses fail, run by the reference semantics
// (test/semantics/ensure.test.ts) and in Wasm (test/run/errors.test.ts).

/** A function and a process whose `ensure` (with `.in` / `.out`) fails on their second and third calls. */
export const ENSURE_FN = `module ensurefn is
channel NAT is (nat) end channel
function incr (in out x: nat) is
   ensure x.out == x.in + 1;
   if x < 2 then x := x + 1 else x := x + 2 end if
end function
process MAIN [G: NAT] is
   var n: nat in
      n := 0;
      loop
         incr (!?n);
         G (!n)
      end loop
   end var
end process
end module
`;
export const ENSURE_PROC = `module ensureproc is
channel NAT is (nat) end channel
process step [G: NAT] (in out n: nat) is
   ensure n > 0;
   ensure n.out == n.in + 1;
   G (!n);
   if n < 1 then n := n + 1 else n := n + 3 end if
end process
process MAIN [G: NAT] is
   var n: nat in
      n := 0;
      loop
         step [G] (!?n)
      end loop
   end var
end process
end module
`;

/** Two tasks, each a whole called process whose `ensure` (on an `in var` parameter) fails when it ends. */
export const ENSURE_TASK = `module ensuretask is
channel NAT is (nat) end channel
process P [G: NAT] (in var n: nat) is
   ensure n.out == n.in + 5;
   G (!n);
   n := n + 1
end process
process MAIN [G, H: NAT] is
   par P [G] (1) || P [H] (2) end par
end process
end module
`;
