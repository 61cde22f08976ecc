pragma circom 2.0.0;

// y === x * x (line 8): a constraint the inputs alone can violate.
template Square() {
    signal input x;
    signal input y;

    y === x * x;
}

component main = Square();
