"""External programs: the pinned circom / snarkjs / circomlib, and the one module that runs them."""
