pragma circom 2.1.0;

// Knowledge of a secret whose circomlib Poseidon hash is the public input `hash`.
// A hand-written circuit: registered in circuits/circuits.toml with `source = ...`.

include "circomlib/circuits/poseidon.circom";

template Preimage() {
    signal input secret;
    signal input hash;

    // `hash` is an input, fixed by the verifier: a witness for any other secret fails here.
    signal computed <== Poseidon(1)([secret]);
    hash === computed;
}

component main {public [hash]} = Preimage();
