"""Which backend proves and verifies which proof system; no tool is started."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import exactly
from toolchain.backends import prover_backend, verifier_backend, verifier_names_for
from toolchain.config import Protocol
from toolchain.errors import ToolError, UsageError
from toolchain.runner.tools import Tools

NO_TOOLS = Tools(Path("/nonexistent"))


@pytest.mark.parametrize("protocol", ["plonk", "fflonk"])
@pytest.mark.parametrize("backend", ["native", "rapidsnark"])
def test_a_groth16_only_prover_is_refused_by_name(backend: str, protocol: Protocol) -> None:
    message = (
        f"the {backend} backend proves Groth16 only, not {protocol}: use --backend snarkjs"
        " (or auto)"
    )
    with pytest.raises(UsageError, match=exactly(message)):
        prover_backend(backend, NO_TOOLS, None, protocol)


def test_an_engine_means_native_which_proves_groth16_only() -> None:
    message = "the native backend proves Groth16 only, not plonk: use --backend snarkjs (or auto)"
    with pytest.raises(UsageError, match=exactly(message)):
        prover_backend("auto", NO_TOOLS, "pure", "plonk")


@pytest.mark.parametrize("protocol", ["plonk", "fflonk"])
def test_auto_proves_universal_circuits_with_snarkjs_only(protocol: Protocol) -> None:
    with pytest.raises(ToolError, match=r"^no backend is available: "):
        prover_backend("auto", NO_TOOLS, None, protocol)  # snarkjs missing: nothing else
    with pytest.raises(ToolError, match=r"^backend snarkjs is not available: "):
        prover_backend("snarkjs", NO_TOOLS, None, protocol)


def test_groth16_selection_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZKT_RAPIDSNARK", raising=False)
    assert prover_backend("native", NO_TOOLS).name == "native"
    assert prover_backend("auto", NO_TOOLS).name == "native"  # no rapidsnark, no snarkjs here
    assert verifier_backend("auto", NO_TOOLS).name == "native"
    assert verifier_names_for("groth16") == ["native", "snarkjs"]


def test_plonk_is_verified_natively_first_then_by_snarkjs() -> None:
    assert verifier_names_for("plonk") == ["native", "snarkjs"]
    installed = Tools(Path(os.environ["ZKT_TOOLS_DIR"]))  # found on disk: nothing is started
    assert verifier_backend("auto", installed, None, "plonk").name == "native"
    assert verifier_backend("auto", NO_TOOLS, None, "plonk").name == "native"  # needs no Node
    assert prover_backend("auto", installed, None, "plonk").name == "snarkjs"


def test_fflonk_proofs_are_verified_by_snarkjs() -> None:
    assert verifier_names_for("fflonk") == ["snarkjs"]
    installed = Tools(Path(os.environ["ZKT_TOOLS_DIR"]))  # found on disk: nothing is started
    assert verifier_backend("auto", installed, None, "fflonk").name == "snarkjs"
    assert prover_backend("auto", installed, None, "fflonk").name == "snarkjs"
    with pytest.raises(ToolError, match=r"^no backend is available: "):
        verifier_backend("auto", NO_TOOLS, None, "fflonk")
    # a named verifier is asked whatever the protocol: it refuses what it cannot check
    assert verifier_backend("native", NO_TOOLS, None, "fflonk").name == "native"


@pytest.mark.parametrize("backend", ["snarkjs", "native"])
def test_a_named_groth16_prover_is_found_without_loading_mcl(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_mcl() -> None:
        raise AssertionError("mcl was loaded to pick a backend given by name")

    monkeypatch.setattr("toolchain.native.engine_mcl.load_mcl", no_mcl)
    installed = Tools(Path(os.environ["ZKT_TOOLS_DIR"]))  # found on disk: nothing is started
    assert prover_backend(backend, installed).name == backend
