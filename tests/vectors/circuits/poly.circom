pragma circom 2.1.0;

// y = a*x^3 + b*x^2 with a, b public inputs and x private: four constraints, three public signals.
template Poly() {
    signal input x;
    signal input a;
    signal input b;
    signal output y;
    signal x2;
    signal x3;
    signal t;
    x2 <== x * x;
    x3 <== x2 * x;
    t <== a * x3;
    y <== t + b * x2;
}

component main {public [a, b]} = Poly();
