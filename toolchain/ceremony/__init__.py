"""Trusted setup: phase 1, phase 2, ptau download, transcripts."""
