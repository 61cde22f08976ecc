"""Readers and writers for the iden3 binary formats and snarkjs JSON, one format per module."""
