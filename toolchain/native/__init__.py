"""Pure-Python BN254 math for Groth16: no I/O, plain ints inside."""
