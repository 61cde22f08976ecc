"""The local phase-2 ceremony of each circuit: setup, contribute, beacon, finalize, status."""

from __future__ import annotations

import hashlib
from pathlib import Path

from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace, existing
from toolchain.build import Reporter
from toolchain.ceremony import devptau, ptau_fetch
from toolchain.ceremony.entropy import Secret, fresh_entropy
from toolchain.ceremony.local import LocalCeremony
from toolchain.ceremony.transcript import Record
from toolchain.config import CeremonyConfig, read_ceremony_config
from toolchain.hashing import hash_file


def contribution_entropy(typed: str = "") -> Secret:
    """Entropy for one contribution: 64 random bytes from the OS plus what the participant typed."""
    return fresh_entropy(typed)


def ceremony_config(ws: Workspace) -> CeremonyConfig:
    """ceremony/ceremony.toml, validated."""
    return read_ceremony_config(ws.project.ceremony_config)


def ceremony_circuits(ws: Workspace, names: tuple[str, ...]) -> list[str]:
    """The circuits named, else those ceremony.toml lists, else every registry circuit."""
    chosen = names or tuple(ceremony_config(ws).ceremony.circuits)
    return [entry.name for entry in ws.registry.select(chosen)]


def ceremony_ptau(ws: Workspace, explicit: Path | None, report: Reporter) -> Path:
    """The prepared ptau of the ceremony: --ptau, else what ceremony.toml's [phase1] says."""
    if explicit is not None:
        return existing(explicit, "ptau", "check the --ptau path")
    phase1 = ceremony_config(ws).phase1
    if phase1.source == "file":
        assert phase1.path is not None  # the config model requires it for "file"
        return existing(ws.project.root / phase1.path, "ptau", "fix [phase1] path")
    if phase1.source == "fetch":
        return ptau_fetch.ensure_ptau(phase1.power)
    seed_tag = hashlib.sha256(phase1.seed.encode()).hexdigest()[:16]
    path = ws.project.dev_ptau(phase1.power, seed_tag)
    report(f"WARNING: ceremony.toml asks for an INSECURE dev ptau (public seed {phase1.seed!r})")
    if not path.is_file():
        devptau.write_dev_ptau(path, phase1.power, phase1.seed)
    return path


def _ceremony(ws: Workspace, name: str) -> LocalCeremony:
    """Circuit `name`'s ceremony; a name the registry does not know is refused with the list."""
    return LocalCeremony(ws.project, ws.tools, ws.registry.get(name).name)


def setup(
    ws: Workspace, names: tuple[str, ...], ptau: Path | None, report: Reporter = lambda _: None
) -> list[Record]:
    """Compile, then start the phase-2 ceremony (groth16 setup) of each circuit."""
    chosen = ceremony_circuits(ws, names)
    compile_circuits(ws, tuple(chosen), report)
    source = ceremony_ptau(ws, ptau, report)
    return [_ceremony(ws, name).start(source) for name in chosen]


def contribute(ws: Workspace, name: str, contributor: str, entropy: Secret) -> Record:
    """Add one contribution to circuit `name`'s ceremony."""
    return _ceremony(ws, name).contribute(contributor, entropy)


def beacon(ws: Workspace, name: str) -> Record:
    """Close circuit `name`'s ceremony with the beacon committed in ceremony.toml."""
    config = ceremony_config(ws)
    return _ceremony(ws, name).apply_beacon(config.beacon, config.ceremony.min_contributions)


def finalize(
    ws: Workspace, name: str, ptau: Path | None, report: Reporter, force: bool = False
) -> Path:
    """Re-verify `name`'s chain from its initial key, verify the last key in full and export it
    to artifacts/NAME/; existing artifacts are replaced only when `force`d, and said so."""
    config, ceremony = ceremony_config(ws), _ceremony(ws, name)
    source = ceremony_ptau(ws, ptau, report)

    def replace(final: Path) -> None:
        report(f"WARNING: {name}: --force replaces {final} (sha256 {hash_file(final)[:16]}…):"
               " proofs made with it no longer verify")  # fmt: skip

    minimum = config.ceremony.min_contributions
    return ceremony.finalize(source, config.beacon, minimum, replace if force else None)


def verify_ceremony(ws: Workspace, name: str, ptau: Path | None, report: Reporter) -> list[Record]:
    """Re-verify circuit `name`'s whole chain pairwise from its initial key (`status --verify`)."""
    compile_circuits(ws, (name,), report)
    source = ceremony_ptau(ws, ptau, report)
    return _ceremony(ws, name).verify_chain(ws.project.r1cs(name), source)


def run_ceremony(
    ws: Workspace,
    names: tuple[str, ...],
    contributors: tuple[str, ...],
    ptau: Path | None,
    report: Reporter,
) -> list[str]:
    """A whole local ceremony per circuit: setup, one contribution each, beacon, finalize.

    Circuits whose ceremony already ended with the beacon and has artifacts are left as they
    are; returns the circuits finalized now.
    """
    config, done = ceremony_config(ws), []
    chosen = ceremony_circuits(ws, names)
    source = ceremony_ptau(ws, ptau, report)
    compile_circuits(ws, tuple(chosen), report)
    minimum = config.ceremony.min_contributions
    for name in chosen:
        ceremony = _ceremony(ws, name)
        records = ceremony.records()
        if ws.project.zkey(name).is_file():
            report(f"{name}: ceremony already finalized ({len(records)} steps)")
            continue
        if not records:
            ceremony.start(source)
        if not records or records[-1].kind != "beacon":
            for who in contributors:
                record = ceremony.contribute(who, fresh_entropy())
                report(f"{name}: contribution {record.index} by {who} accepted")
            ceremony.apply_beacon(config.beacon, minimum)
        ceremony.finalize(source, config.beacon, minimum)
        report(f"{name}: beacon applied, verified, exported to {ws.project.artifacts_dir(name)}")
        done.append(name)
    return done


def transcript(ws: Workspace, name: str) -> list[Record]:
    """The accepted steps of circuit `name`'s ceremony."""
    return _ceremony(ws, name).records()
