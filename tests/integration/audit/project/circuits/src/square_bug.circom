pragma circom 2.1.0;

// BUG (on purpose): y is computed by the witness generator but never constrained.
template Square() {
    signal input x;
    signal input k;
    signal output y;
    signal output p;
    p <== x * k;
    y <-- x * x;
}

component main = Square();
