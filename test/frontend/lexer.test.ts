// Lexer tests: token kinds and spans, comments, every literal form and
// punctuation symbol, and the diagnostics for malformed input (which never
// stop the lexer).

import { test } from "node:test";
import assert from "node:assert/strict";
import { tokenize, type Token } from "../../src/frontend/lexer.js";
import { sourceFile, positionOf } from "../../src/frontend/source.js";
import { DiagnosticBag } from "../../src/frontend/diagnostics.js";

function lex(text: string) {
  const diags = new DiagnosticBag();
  const file = sourceFile("t.lnt", text);
  const tokens = tokenize(file, diags);
  return { tokens, diags, file };
}

/** `kind:text` for each token but the final eof. */
function shapes(tokens: readonly Token[]): string[] {
  return tokens.slice(0, -1).map((t) => `${t.kind}:${t.text}`);
}

test("identifiers keep their text and get a lower-cased key", () => {
  const { tokens, diags } = lex("Module END_Type x_1 MAIN");
  assert.equal(diags.items.length, 0);
  assert.deepEqual(shapes(tokens), ["ident:Module", "ident:END_Type", "ident:x_1", "ident:MAIN"]);
  assert.deepEqual(tokens.slice(0, -1).map((t) => t.key), ["module", "end_type", "x_1", "main"]);
  assert.equal(tokens.at(-1)!.kind, "eof");
});

test("a byte-order mark at the start is ignored", () => {
  const { tokens, diags } = lex("\ufeffmodule m");
  assert.equal(diags.items.length, 0);
  assert.deepEqual(shapes(tokens), ["ident:module", "ident:m"]);
  assert.equal(tokens[0]!.start, 1);
});

test("comments are skipped: -- to end of line and (* ... *) blocks", () => {
  const { tokens, diags } = lex("a -- comment ; b\nc (* x\n y *) d (**) e");
  assert.equal(diags.items.length, 0);
  assert.deepEqual(shapes(tokens), ["ident:a", "ident:c", "ident:d", "ident:e"]);
});

test("numbers: naturals, reals, exponents, hex, octal, binary; ranges stay ranges", () => {
  const { tokens, diags } = lex("0 42 1.5 0.25 2e10 1.0E-3 0x1F 0o17 0b101 1..5 1...5");
  assert.equal(diags.items.length, 0);
  assert.deepEqual(shapes(tokens), [
    "number:0", "number:42", "real:1.5", "real:0.25", "real:2e10", "real:1.0E-3",
    "number:0x1F", "number:0o17", "number:0b101",
    "number:1", "punct:..", "number:5", "number:1", "punct:...", "number:5",
  ]);
});

test("a number glued to letters is one invalid literal", () => {
  const { tokens, diags } = lex("12ab 0x");
  assert.deepEqual(shapes(tokens), ["number:12ab", "number:0x"]);
  assert.deepEqual(diags.items.map((d) => d.code), ["LNT1005", "LNT1005"]);
  assert.match(diags.items[0]!.message, /12ab/);
});

test("characters and strings with escapes", () => {
  const { tokens, diags } = lex(`'a' '\\n' '\\'' '\\\\' "hi" "a\\"b" "t\\tx" "q""q" "\\x41\\101"`);
  assert.equal(diags.items.length, 0);
  assert.deepEqual(tokens.slice(0, -1).map((t) => [t.kind, t.value]), [
    ["char", "a"], ["char", "\n"], ["char", "'"], ["char", "\\"],
    ["string", "hi"], ["string", 'a"b'], ["string", "t\tx"], ["string", 'q"q'], ["string", "AA"],
  ]);
});

test("every punctuation symbol, longest match first", () => {
  const text = "... .. .{ . !? != ! ? [] [ ] || | -> - => == = := : <> <= < >= > ** * # ; , ( ) { } + / &";
  const { tokens, diags } = lex(text);
  assert.equal(diags.items.length, 0);
  assert.deepEqual(tokens.slice(0, -1).map((t) => t.text), text.split(" "));
  assert.ok(tokens.slice(0, -1).every((t) => t.kind === "punct"));
});

test("symbols need no spaces: x:=y.{f->1}", () => {
  const { tokens } = lex("x:=y.{f->1};G(!?z,?w)[]H");
  assert.deepEqual(tokens.slice(0, -1).map((t) => t.text), ["x", ":=", "y", ".{", "f", "->", "1", "}", ";", "G", "(", "!?", "z", ",", "?", "w", ")", "[]", "H"]);
});

test("pragmas lex as '!' then a word (the parser joins them)", () => {
  const { tokens } = lex("!nat_bits 32 !implementedby \"F\"");
  assert.deepEqual(shapes(tokens), ["punct:!", "ident:nat_bits", "number:32", "punct:!", "ident:implementedby", 'string:"F"']);
});

test("token spans are exact offsets", () => {
  const { tokens, file } = lex("ab\n  := 'c'");
  assert.deepEqual(tokens.map((t) => [t.start, t.end]), [[0, 2], [5, 7], [8, 11], [11, 11]]);
  assert.deepEqual(positionOf(file, tokens[1]!.start), { line: 2, column: 3 });
});

test("invalid characters are reported once per run and skipped", () => {
  const { tokens, diags } = lex("a @$ b ` c");
  assert.deepEqual(shapes(tokens), ["ident:a", "ident:b", "ident:c"]);
  assert.deepEqual(diags.items.map((d) => d.code), ["LNT1001", "LNT1001"]);
  assert.deepEqual([diags.items[0]!.span!.start, diags.items[0]!.span!.end], [2, 4]);
  assert.match(diags.items[0]!.message, /@\$/);
});

test("unterminated string, character and comment are reported, lexing goes on", () => {
  const s = lex('x := "abc\ny');
  assert.deepEqual(s.diags.items.map((d) => d.code), ["LNT1002"]);
  assert.deepEqual(shapes(s.tokens), ["ident:x", "punct::=", 'string:"abc', "ident:y"]);

  const c = lex("'a b");
  assert.deepEqual(c.diags.items.map((d) => d.code), ["LNT1004"]);

  const k = lex("a (* never closed");
  assert.deepEqual(k.diags.items.map((d) => d.code), ["LNT1003"]);
  assert.deepEqual(shapes(k.tokens), ["ident:a"]);
  assert.equal(k.diags.items[0]!.span!.start, 2);
});

test("random bytes never throw and always end with eof", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let n = 0; n < 200; n++) {
    let text = "";
    const len = Math.floor(rnd() * 200);
    for (let i = 0; i < len; i++) text += String.fromCharCode(Math.floor(rnd() * 0x3000));
    const { tokens } = lex(text);
    assert.equal(tokens.at(-1)!.kind, "eof");
    for (const t of tokens) assert.ok(t.end >= t.start && t.end <= text.length);
  }
});
