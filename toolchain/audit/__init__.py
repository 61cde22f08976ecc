"""Under-constrained signals: does a circuit's R1CS pin its outputs down, given its inputs?

    system     the R1CS as the audit sees it: constraints, input and output wires, names
    propagate  what the constraints determine uniquely from the inputs (symbolic), and the
               concrete completion of a partial witness (value by value)
    search     a second witness with the same inputs and another output: structured guesses
               completed by propagation, then an SMT solver (z3, optional) on small residues
    verdict    unique | under-constrained | unknown, with the evidence, within a time budget

The engine reads only the R1CS, the .sym and an honest witness; it proves nothing with keys
(the forged proof of an under-constrained verdict is made by `toolchain.api.audit`).
"""
