pragma circom 2.1.0;

// BUG (on purpose): circomlib's IsZero without `in * out === 0`: any inv gives an out.
template IsZero() {
    signal input in;
    signal output out;
    signal inv;
    inv <-- in != 0 ? 1 / in : 0;
    out <== -in * inv + 1;
}

component main = IsZero();
