"""`zkt serve` serves Groth16 circuits: a locked PLONK or fflonk circuit is refused at start."""

from __future__ import annotations

import pytest

from tests.conftest import exactly
from toolchain.api.workspace import Workspace
from toolchain.errors import UsageError
from toolchain.service.circuits import refuse_universal


def test_groth16_circuits_pass(workspace: Workspace) -> None:
    refuse_universal(workspace, ["multiplier_2", "range_32"])


@pytest.mark.parametrize(
    ("name", "protocol"),
    [("range_32_plonk", "plonk"), ("poseidon_preimage_1_fflonk", "fflonk")],
)
def test_a_universal_circuit_is_refused_in_one_line(
    workspace: Workspace, name: str, protocol: str
) -> None:
    message = (
        f"{name} is a {protocol} circuit: zkt serve serves Groth16 circuits only; prove it with"
        f" `zkt prove {name}` (or --inputs DIR for a batch)"
    )
    with pytest.raises(UsageError, match=exactly(message)):
        refuse_universal(workspace, ["range_32", name])
