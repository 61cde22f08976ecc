pragma circom 2.1.0;

// The twin of square_bug: y is constrained.
template Square() {
    signal input x;
    signal input k;
    signal output y;
    signal output p;
    p <== x * k;
    y <== x * x;
}

component main = Square();
