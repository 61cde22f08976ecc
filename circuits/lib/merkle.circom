pragma circom 2.1.0;

// Poseidon binary Merkle tree: the shared root computation used by the `merkle` and
// `membership` templates. Node hash = Poseidon(left, right); leaves are field elements
// (hash them before they enter the tree if they are not already digests).

include "circomlib/circuits/poseidon.circom";

// Orders (current, sibling) into (left, right) by one path bit: bit 0 means the running
// hash is the left child. One multiplication; `right` is derived linearly so the swap costs
// a single constraint instead of two selectors.
template OrderPair() {
    signal input current;
    signal input sibling;
    signal input isRight;
    signal output left;
    signal output right;

    // A non-boolean index would let a prover blend the two children into arbitrary values.
    isRight * (1 - isRight) === 0;

    left <== current + isRight * (sibling - current);
    right <== current + sibling - left;
}

// Recomputes the root from a leaf and its authentication path, leaf level first.
// pathIndices[i] is 1 when the node at level i is a right child.
template MerkleRoot(depth) {
    assert(depth >= 1);
    signal input leaf;
    signal input pathElements[depth];
    signal input pathIndices[depth];
    signal output root;

    signal levelHash[depth + 1];
    signal left[depth];
    signal right[depth];
    levelHash[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        (left[i], right[i]) <== OrderPair()(levelHash[i], pathElements[i], pathIndices[i]);
        levelHash[i + 1] <== Poseidon(2)([left[i], right[i]]);
    }
    root <== levelHash[depth];
}
