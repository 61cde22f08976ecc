pragma circom 2.1.0;

// Hand-written example (no template): knowledge of three private 32-bit numbers whose squares
// add up to a public total. circuits.toml registers it with `source = "circuits/src/..."`.

include "circomlib/circuits/bitify.circom";

template SumOfSquares(n, bits) {
    signal input x[n];
    signal input total;

    signal squares[n];
    var sum = 0;
    for (var i = 0; i < n; i++) {
        // Each x fits in `bits` bits, so no square can wrap around the field modulus.
        _ <== Num2Bits(bits)(x[i]);
        squares[i] <== x[i] * x[i];
        sum += squares[i];
    }
    total === sum;
}

component main {public [total]} = SumOfSquares(3, 32);
