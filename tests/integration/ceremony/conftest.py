"""Phase-1 chains made by the real snarkjs at power 3, once per session.

accepted: new → alice → bob, recorded in a transcript (the coordinator's history).
hostile:  the same blank file → alice' → bob' → mallory, other entropy, the same names: a history
          rebuilt from genesis, which snarkjs's own verify cannot tell from an extension.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolchain.ceremony import phase1
from toolchain.ceremony.entropy import fresh_entropy
from toolchain.runner.tools import Tools

POWER = 3


@dataclass(frozen=True)
class Chain:
    """The files of one phase-1 chain, oldest first, and its transcript."""

    files: list[Path]
    transcript: Path
    first_challenge_logged: list[str]

    @property
    def last(self) -> Path:
        """The newest file."""
        return self.files[-1]


@pytest.fixture(scope="session")
def tools() -> Tools:
    """The pinned tools of this run (a missing snarkjs fails the tests that use it)."""
    return Tools(Path(os.environ["ZKT_TOOLS_DIR"]))


@pytest.fixture(scope="session")
def accepted(tools: Tools, tmp_path_factory: pytest.TempPathFactory) -> Chain:
    """new → alice → bob, each step recorded in the chain's transcript."""
    folder = tmp_path_factory.mktemp("accepted")
    transcript, logged = folder / "phase1.jsonl", []
    genesis = folder / "pot_0000.ptau"
    phase1.new_ptau(tools, POWER, genesis, transcript=transcript, progress=logged.append)
    files = [genesis]
    for number, name in enumerate(("alice", "bob"), 1):
        files.append(folder / f"pot_{number:04d}.ptau")
        phase1.contribute(tools, files[-2], files[-1], name, fresh_entropy(), transcript=transcript)
    return Chain(files, transcript, logged)


@pytest.fixture(scope="session")
def hostile(tools: Tools, accepted: Chain, tmp_path_factory: pytest.TempPathFactory) -> Chain:
    """From the accepted chain's blank file: alice', bob' (other entropy), then mallory."""
    folder = tmp_path_factory.mktemp("hostile")
    files = [accepted.files[0]]
    for number, name in enumerate(("alice", "bob", "mallory"), 1):
        files.append(folder / f"pot_{number:04d}.ptau")
        phase1.contribute(tools, files[-2], files[-1], name, fresh_entropy("not alice"))
    return Chain(files, folder / "none.jsonl", [])
