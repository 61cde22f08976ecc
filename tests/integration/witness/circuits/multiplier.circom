pragma circom 2.0.0;

// c = a * b: the smallest circuit with a non-trivial witness.
template Multiplier() {
    signal input a;
    signal input b;
    signal output c;
    c <== a * b;
}

component main = Multiplier();
