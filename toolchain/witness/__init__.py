"""Witness computation: the circuit's witness wasm run in process, and R1CS satisfaction."""
