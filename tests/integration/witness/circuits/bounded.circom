pragma circom 2.0.0;

// An assert on an input (line 10), a 2-D array input and a log() call.
template Bounded() {
    signal input x;
    signal input m[2][2];
    signal output y;

    log("x is", x);
    assert(x < 100);
    y <== x * m[1][1];
}

component main = Bounded();
