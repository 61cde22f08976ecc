"""A local phase-2 ceremony for one circuit: numbered keys, a transcript, the final artifacts.

    build/NAME/ceremony/NAME_0000.zkey     the initial key (groth16 setup), then one per step
    ceremony/transcripts/NAME.jsonl        one hash-linked record per accepted step (committed)
    artifacts/NAME/final.zkey              the verified final key, with verification_key.json
                                           and verifier.sol beside it

Each step starts from the latest accepted key, whose file must still hash to what the
transcript recorded, and is accepted only if it extends that key by exactly one contribution.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from toolchain import __version__
from toolchain.ceremony import checks, phase2
from toolchain.ceremony.entropy import Secret
from toolchain.ceremony.transcript import Record, append_record, file_hashes, now, read_transcript
from toolchain.config import BeaconOptions
from toolchain.errors import IntegrityError, UsageError
from toolchain.formats.ptau import SECTION_CONTRIBUTIONS, open_ptau
from toolchain.hashing import hash_file
from toolchain.paths import Project, shown_path
from toolchain.runner.tools import PINNED, Tools


@dataclass(frozen=True)
class LocalCeremony:
    """The phase-2 ceremony of circuit `name` in `project`."""

    project: Project
    tools: Tools
    name: str

    def records(self) -> list[Record]:
        """Every accepted step so far (the transcript, chain-checked)."""
        return read_transcript(self.project.transcript(self.name))

    def latest(self) -> tuple[Record, Path]:
        """The last accepted record and its key file, checked against the recorded hash."""
        records = self.records()
        if not records:
            raise UsageError(f"{self.name}: no ceremony yet: run `zkt setup {self.name}`")
        last = records[-1]
        key = self.project.root / last.file.path
        if not key.is_file() or hash_file(key) != last.file.sha256:
            raise IntegrityError(f"{self.name}: {key} is missing or differs from the transcript")
        return last, key

    def start(self, ptau: Path) -> Record:
        """groth16 setup from the compiled r1cs and `ptau`: record 0."""
        if self.records():
            raise UsageError(
                f"{self.name}: a ceremony already started ({self.project.transcript(self.name)})"
            )
        key = phase2.new_zkey(self.tools, self.project.r1cs(self.name), ptau, self._key(0))
        inputs = {
            "r1cs_sha256": hash_file(self.project.r1cs(self.name)),
            "ptau_blake2b": hash_file(ptau, "blake2b"),
            "ptau_path": shown_path(self.project.root, ptau.resolve()),
            "ptau_contributions": str(ptau_contributions(ptau)),
        }
        cs_hash = phase2.mpc_params(key).cs_hash.hex()
        return self._append(0, "setup", "groth16 setup", cs_hash, "", key, inputs)

    def contribute(self, contributor: str, entropy: Secret) -> Record:
        """One more contribution by `contributor`, accepted by checks.accept_contribution."""
        last, key = self.latest()
        out = self._key(last.index + 1)
        self._discard_stale(out)
        phase2.contribute(self.tools, key, out, contributor, entropy)
        return self._accept(last, key, out, "contribution", contributor)

    def apply_beacon(self, beacon: BeaconOptions) -> Record:
        """The committed public beacon as the last contribution."""
        last, key = self.latest()
        out = self._key(last.index + 1)
        self._discard_stale(out)
        phase2.apply_beacon(self.tools, key, out, beacon.hash, beacon.iterations_exp, "beacon")
        return self._accept(last, key, out, "beacon", f"beacon {beacon.source}".strip())

    def finalize(self, ptau: Path, beacon: BeaconOptions | None) -> Path:
        """Verify the latest key in full and export it to artifacts/NAME/."""
        _, key = self.latest()
        checks.accept_final(self.tools, self.project.r1cs(self.name), ptau, key, beacon)
        final = self.project.zkey(self.name)
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(key, final.with_suffix(".zkey.tmp"))
        final.with_suffix(".zkey.tmp").replace(final)
        phase2.export_verification_key(final, self.project.vkey(self.name))
        phase2.export_solidity_verifier(self.tools, final, self.project.verifier_sol(self.name))
        return final

    def _key(self, index: int) -> Path:
        return self.project.ceremony_key(self.name, index)

    def _discard_stale(self, out: Path) -> None:
        # A file under the next number that the transcript does not list is a leftover of a
        # refused or interrupted step: it was never accepted, so it may go.
        out.unlink(missing_ok=True)

    def _accept(self, last: Record, key: Path, out: Path, kind: str, who: str) -> Record:
        try:
            added = checks.accept_contribution(key, out)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        latest = added.transcript.hex()
        return self._append(last.index + 1, kind, who, latest, last.contribution_hash, out, {})

    def _append(
        self, index: int, kind: str, who: str, digest: str, previous: str, key: Path,
        inputs: dict[str, str],
    ) -> Record:  # fmt: skip
        record = Record(
            index=index,
            kind=kind,
            name=who,
            contribution_hash=digest,
            previous_hash=previous,
            file=file_hashes(key, self.project.root),
            tools={"snarkjs": PINNED["snarkjs"], "zk-toolchain": __version__},
            time=now(),
            inputs=inputs,
        )
        return append_record(self.project.transcript(self.name), record)


def ptau_contributions(ptau: Path) -> int:
    """How many phase-1 contributions a ptau lists (0: whoever made it knows its secrets)."""
    opened = open_ptau(ptau)
    with open(ptau, "rb") as fh:
        count = opened.container.read_range(fh, SECTION_CONTRIBUTIONS, 0, 4)
    return int.from_bytes(count, "little")


def setup_record(project: Project, name: str) -> Record | None:
    """Record 0 of circuit `name`'s ceremony (what its setup used), None before `zkt setup`."""
    records = read_transcript(project.transcript(name))
    return records[0] if records else None


def setup_ptau_contributions(setup: Record, candidates: Iterable[Path]) -> int | None:
    """The phase-1 contributions of the ptau `setup` used: recorded, else counted in the first
    candidate file with the recorded blake2b (transcripts before the count was recorded);
    None when unknown."""
    if "ptau_contributions" in setup.inputs:
        return int(setup.inputs["ptau_contributions"])
    for path in candidates:
        if path.is_file() and hash_file(path, "blake2b") == setup.inputs.get("ptau_blake2b"):
            return ptau_contributions(path)
    return None
