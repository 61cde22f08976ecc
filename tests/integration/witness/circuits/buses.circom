pragma circom 2.2.0;

// Bus inputs: JSON objects qualified as "p.x", arrays of buses as "q[1].y".
bus Point() {
    signal x;
    signal y;
}

template UseBuses() {
    input Point p;
    input Point q[2];
    signal input k;
    signal output s;

    signal t <== p.x * p.y;
    s <== t + q[1].x * k + q[0].y;
}

component main = UseBuses();
