#!/usr/bin/env node
// The executable behind `lntc`: wires the process to main().
import { main } from "./main.js";

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lntc: internal error: ${err instanceof Error ? err.message : String(err)} [LNT9001]\n`);
    process.exitCode = 3;
  },
);
