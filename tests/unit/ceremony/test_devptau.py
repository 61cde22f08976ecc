"""The INSECURE dev ptau: its Lagrange values and the file the ptau reader accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.ceremony.devptau import dev_secret, lagrange_values, tau_powers, write_dev_ptau
from toolchain.errors import UsageError
from toolchain.formats.ptau import open_ptau
from toolchain.native.curve import G1_GENERATOR, from_affine_g1, mul_g1, to_affine_g1
from toolchain.native.engine_pure import PureEngine
from toolchain.native.field import R, root_of_unity


@pytest.mark.parametrize("k", [0, 1, 3, 5])
def test_lagrange_values_interpolate_powers_of_tau(k: int) -> None:
    tau, n = 123456789, 1 << k
    values = lagrange_values(tau, k)
    for j in range(n):  # Σ L_i(τ)·(ω^i)^j = τ^j for every monomial of degree < n
        total = sum(v * pow(root_of_unity(k), i * j, R) for i, v in enumerate(values)) % R
        assert total == pow(tau, j, R)


def test_truncated_block_drops_the_top_power() -> None:
    tau, k = 987654321, 4
    n, omega = 1 << k, root_of_unity(k)
    values = lagrange_values(tau, k, truncated=True)
    for j in range(n):
        total = sum(v * pow(omega, i * j, R) for i, v in enumerate(values)) % R
        assert total == (pow(tau, j, R) if j < n - 1 else 0)


def test_file_has_every_section_and_the_seeded_tau(tmp_path: Path) -> None:
    path = tmp_path / "dev.ptau"
    write_dev_ptau(path, 3, "seed", PureEngine(workers=1))
    ptau = open_ptau(path)
    assert ptau.is_prepared and ptau.header.power == 3
    tau = dev_secret("seed", "tau")
    expected = to_affine_g1(mul_g1(from_affine_g1(G1_GENERATOR), tau_powers(tau, 3)[2]))
    assert ptau.read_tau_g1(2, 1) == [expected]
    assert ptau.read_contributions() == []


def test_power_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"dev ptau power must be 1\.\.20"):
        write_dev_ptau(tmp_path / "x.ptau", 0, "seed")
    assert not (tmp_path / "x.ptau").exists()
