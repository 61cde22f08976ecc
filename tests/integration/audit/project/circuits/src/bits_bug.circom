pragma circom 2.1.0;

// BUG (on purpose): circomlib's Num2Bits(n) without `out[i] * (out[i] - 1) === 0`: the "bits"
// may be any field elements whose weighted sum is in.
template Num2Bits(n) {
    signal input in;
    signal output out[n];
    var lc = 0;
    var e = 1;
    for (var i = 0; i < n; i++) {
        out[i] <-- (in >> i) & 1;
        lc += out[i] * e;
        e = e + e;
    }
    lc === in;
}

component main = Num2Bits(8);
