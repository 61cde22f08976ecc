pragma circom 2.1.0;

// The twin of iszero_bug: circomlib's IsZero.
template IsZero() {
    signal input in;
    signal output out;
    signal inv;
    inv <-- in != 0 ? 1 / in : 0;
    out <== -in * inv + 1;
    in * out === 0;
}

component main = IsZero();
