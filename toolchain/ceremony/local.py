"""A local phase-2 ceremony for one circuit: numbered keys, a transcript, the final artifacts.

    build/NAME/ceremony/NAME_0000.zkey     the initial key (groth16 setup), then one per step
    ceremony/transcripts/NAME.jsonl        one hash-linked record per accepted step (committed)
    artifacts/NAME/final.zkey              the verified final key, with verification_key.json
                                           and verifier.sol beside it

Each step starts from the latest accepted key, whose file must still hash to what the
transcript recorded and whose chain must be the recorded one, and is accepted only if it extends
that key by exactly one contribution. The beacon is the last step: after it nothing is accepted.
`finalize` re-verifies the whole chain pairwise from the initial key before it exports, and
never replaces exported artifacts unless forced.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from toolchain import __version__
from toolchain.ceremony import checks, phase2
from toolchain.ceremony.entropy import Secret
from toolchain.ceremony.transcript import Record, append_record, file_hashes, now, read_transcript
from toolchain.config import BeaconOptions
from toolchain.errors import IntegrityError, UsageError
from toolchain.formats.ptau import open_ptau
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
        """The last accepted record and its key, checked against the recorded hash and chain."""
        records = self.records()
        if not records:
            raise UsageError(f"{self.name}: no ceremony yet: run `zkt setup {self.name}`")
        key = self._recorded_key(records[-1])
        checks.check_matches_transcript(records, phase2.mpc_params(key), f"{self.name}: {key}")
        return records[-1], key

    def verify_chain(self, r1cs: Path) -> list[Record]:
        """Re-verify every step pairwise from the initial key, which must match `r1cs` as
        recorded at setup; the records, once all hold. (Which ptau the setup used is checked
        where the ptau is found: `api.ceremony.setup_ptau`, by its recorded blake2b.)"""
        records = self.records()
        if not records:
            raise UsageError(f"{self.name}: no ceremony yet: run `zkt setup {self.name}`")
        recorded, r1cs_sha256 = records[0].inputs.get("r1cs_sha256", "?"), hash_file(r1cs)
        if recorded != r1cs_sha256:
            raise IntegrityError(
                f"{self.name}: the initial key was set up from r1cs {recorded[:16]}…,"
                f" this one is {r1cs_sha256[:16]}…"
            )
        keys = [phase2.read_key(self._recorded_key(record)) for record in records]
        for number, key in enumerate(keys):
            if number:
                checks.accept_step(keys[number - 1], key)
            checks.check_matches_transcript(records[: number + 1], key.mpc, str(key.file.path))
        return records

    def _recorded_key(self, record: Record) -> Path:
        key = self.project.root / record.file.path
        if not key.is_file() or hash_file(key) != record.file.sha256:
            raise IntegrityError(f"{self.name}: {key} is missing or differs from the transcript")
        return key

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
            "ptau_contributions": str(open_ptau(ptau).contribution_count()),
        }
        cs_hash = phase2.mpc_params(key).cs_hash.hex()
        return self._append(0, "setup", "groth16 setup", cs_hash, "", key, inputs)

    def contribute(self, contributor: str, entropy: Secret) -> Record:
        """One more contribution by `contributor`, accepted by checks.accept_contribution."""
        last, key = self.latest_open()
        out = self._key(last.index + 1)
        self._discard_stale(out)
        phase2.contribute(self.tools, key, out, contributor, entropy)
        return self._accept(last, key, out, "contribution", contributor)

    def latest_open(self) -> tuple[Record, Path]:
        """The latest record and key; refused after the beacon or once exported."""
        last, key = self.latest()
        exported = self.project.zkey(self.name).is_file()
        if last.kind == "beacon" or exported:
            why = "it was finalized" if exported else f"step {last.index} is the beacon"
            raise UsageError(
                f"{self.name}: the ceremony is closed ({why}): nothing may follow the beacon"
            )
        return last, key

    def apply_beacon(self, beacon: BeaconOptions, min_contributions: int = 1) -> Record:
        """The committed public beacon as the last contribution, once enough real ones came."""
        last, key = self.latest_open()
        checks.check_beacon_may_close(phase2.mpc_params(key), min_contributions, self.name)
        out = self._key(last.index + 1)
        self._discard_stale(out)
        phase2.apply_beacon(self.tools, key, out, beacon.hash, beacon.iterations_exp, "beacon")
        return self._accept(
            last, key, out, "beacon", f"beacon {beacon.source}".strip(), min_contributions
        )

    def finalize(
        self,
        ptau: Path,
        beacon: BeaconOptions | None,
        min_contributions: int = 1,
        replace: Callable[[Path], None] | None = None,
    ) -> Path:
        """Re-verify the chain from the initial key, verify the latest key in full and export it
        to artifacts/NAME/. `ptau` is the one the setup recorded (`api.ceremony.setup_ptau`
        finds and checks it). Existing artifacts are refused unless `replace` is given, which is
        told what it replaces before anything changes."""
        final = self.project.zkey(self.name)
        if final.is_file() and replace is None:
            raise UsageError(
                f"{self.name}: already finalized ({final}, sha256 {hash_file(final)[:16]}…):"
                " artifacts are never replaced, since proofs made with them would stop verifying"
                " (--force replaces them)"
            )
        r1cs = self.project.r1cs(self.name)
        records = self.verify_chain(r1cs)
        key = self.project.root / records[-1].file.path  # verify_chain checked its hash
        checks.accept_final(self.tools, r1cs, ptau, key, beacon, min_contributions)
        if final.is_file() and replace is not None:
            replace(final)
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

    def _accept(
        self, last: Record, key: Path, out: Path, kind: str, who: str, min_contributions: int = 1
    ) -> Record:
        try:
            added = checks.accept_contribution(key, out, min_contributions)
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
            return open_ptau(path).contribution_count()
    return None
