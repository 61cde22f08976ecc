"""PrepareMeter reads how far `snarkjs powersoftau prepare phase2 -v` is from its FFT lines."""

from __future__ import annotations

from toolchain.ceremony.snarkjs_step import PrepareMeter

SECTIONS = (("tauG1", 1), ("tauG2", 0), ("alphaTauG1", 0), ("betaTauG1", 0))


def _lines(power: int) -> list[str]:
    """The progress lines snarkjs 0.7.6 prints, in order (one mix chunk per FFT)."""
    return [
        f"[DEBUG] snarkJS: {section}: fft {bits} mix end: 0/1"
        for section, extra in SECTIONS
        for bits in range(power + 1 + extra)
    ]


def test_fraction_grows_to_one() -> None:
    meter = PrepareMeter(5)
    fractions = [meter.fraction(line) for line in _lines(5)]
    assert all(f is not None for f in fractions)
    assert fractions == sorted(fractions)  # type: ignore[type-var]
    assert fractions[-1] == 1.0
    assert 0 < fractions[0] < 0.01


def test_other_lines_say_nothing() -> None:
    meter = PrepareMeter(5)
    assert meter.fraction("[DEBUG] snarkJS: Starting section: tauG1") is None
    assert meter.fraction("[DEBUG] snarkJS: tauG1: fft 3 mix start: 0/1") is None
    assert meter.fraction("[DEBUG] snarkJS: tauG2: fft 9 mix end: 0/1") is None  # > power


def test_chunks_count_within_one_fft() -> None:
    meter = PrepareMeter(4)
    half = meter.fraction("tauG1: fft 5 mix end: 0/2")
    whole = meter.fraction("tauG1: fft 5 mix end: 1/2")
    assert half is not None and whole is not None and half < whole
