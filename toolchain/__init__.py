"""zk-toolchain: circom templates to hash-locked Groth16 artifacts and proofs (CLI: `zkt`)."""

__version__ = "0.1.0"
