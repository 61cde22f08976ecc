"""The prover service: HTTP jobs over workers that keep the locked keys loaded."""
