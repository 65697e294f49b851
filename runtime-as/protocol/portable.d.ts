// Lets tsc compile the portable subset of AssemblyScript used by the protocol core:
// asc knows these names as built-in Wasm types; for tsc they are plain JS numbers.
// Only types are declared here (no conversion functions), so the core never relies on
// a cast doing work: every value it stores fits its type without wrapping.
declare type bool = boolean;
declare type i32 = number;
declare type u8 = number;
