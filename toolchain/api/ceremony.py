"""The local phase-2 ceremony of each circuit: setup, contribute, beacon, finalize, status."""

from __future__ import annotations

import hashlib
from pathlib import Path

from toolchain.api.compile import compile_circuits
from toolchain.api.workspace import Workspace, existing
from toolchain.build import BuildResult, Reporter
from toolchain.ceremony import devptau, local, ptau_fetch, universal
from toolchain.ceremony.entropy import Secret, fresh_entropy
from toolchain.ceremony.local import LocalCeremony
from toolchain.ceremony.transcript import Record as Record  # the cli's type of a step
from toolchain.ceremony.transcript import read_transcript
from toolchain.config import CeremonyConfig, Phase1Options, read_ceremony_config
from toolchain.errors import IntegrityError, UsageError, ZktError
from toolchain.formats.ptau import open_ptau
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
    if phase1.source == "fetch":
        return ptau_fetch.ensure_ptau(phase1.power)
    path = _configured_path(ws, phase1)
    if phase1.source == "file":
        return existing(path, "ptau", "fix [phase1] path")
    report(f"WARNING: ceremony.toml asks for an INSECURE dev ptau (public seed {phase1.seed!r})")
    if not path.is_file():
        devptau.write_dev_ptau(path, phase1.power, phase1.seed)
    return path


def _configured_path(ws: Workspace, phase1: Phase1Options) -> Path:
    """Where ceremony.toml's ptau is, or goes once fetched or regenerated."""
    if phase1.source == "file":
        assert phase1.path is not None  # the config model requires it for "file"
        return ws.project.root / phase1.path
    if phase1.source == "fetch":
        return ptau_fetch.cached_ptau_path(ptau_fetch.release_for_power(phase1.power))
    seed_tag = hashlib.sha256(phase1.seed.encode()).hexdigest()[:16]
    return ws.project.dev_ptau(phase1.power, seed_tag)


def dev_ptau_allowed(ws: Workspace) -> bool:
    """Whether ceremony.toml says `source = "dev"`: keys from an insecure ptau may be locked."""
    config = ws.project.ceremony_config
    return config.is_file() and ceremony_config(ws).phase1.source == "dev"


def insecure_warning(name: str) -> str:
    """The line every step touching a key made from a ptau without contributions prints."""
    return (
        f"WARNING: {name} was set up on a ptau with no phase-1 contribution (INSECURE):"
        " anyone can forge proofs with keys made from it"
    )


def setup_contributions(ws: Workspace, name: str) -> int | None:
    """Phase-1 contributions of the ptau `name` was set up on (None: no setup, or unknown).

    Old transcripts did not record the count: it is then read from the ptau ceremony.toml names
    when present and its blake2b is the one the setup recorded.
    """
    setup = local.setup_record(ws.project, name)
    if setup is None:
        return None
    configured = "ptau_contributions" not in setup.inputs and ws.project.ceremony_config.is_file()
    candidates = [_configured_path(ws, ceremony_config(ws).phase1)] if configured else []
    return local.setup_ptau_contributions(setup, candidates)


def warn_if_insecure(ws: Workspace, name: str, report: Reporter) -> None:
    """Report `insecure_warning` when `name`'s setup used a ptau with no contribution."""
    if setup_contributions(ws, name) == 0:
        report(insecure_warning(name))


def setup_ptau(
    ws: Workspace, name: str, explicit: Path | None, report: Reporter = lambda _: None
) -> Path:
    """The ptau circuit `name` was set up on: `explicit`, else the path its setup recorded,
    else ceremony.toml's; refused unless its blake2b is the one the setup recorded."""
    setup = local.setup_record(ws.project, name)
    if setup is None:
        raise UsageError(f"{name}: no ceremony yet: run `zkt setup {name}`")
    recorded = setup.inputs.get("ptau_path")
    if explicit is None and recorded and (ws.project.root / recorded).is_file():
        path = ws.project.root / recorded  # an absolute recorded path stays absolute
        _check_setup_ptau(name, setup, path, IntegrityError)
    else:
        path = ceremony_ptau(ws, explicit, report)
        _check_setup_ptau(name, setup, path, UsageError)
    if local.setup_ptau_contributions(setup, (path,)) == 0:
        report(insecure_warning(name))
    return path


def _check_setup_ptau(name: str, setup: Record, ptau: Path, error: type[ZktError]) -> None:
    want, got = setup.inputs.get("ptau_blake2b"), hash_file(ptau, "blake2b")
    if want is not None and got != want:
        raise error(
            f"{name} was set up on the ptau with blake2b {want[:16]}…, {ptau} has blake2b"
            f" {got[:16]}…: use the ptau it was set up with"
        )


def check_ptau_power(ws: Workspace, built: list[BuildResult], ptau: Path) -> None:
    """UsageError listing each circuit whose domain needs a larger ptau than `ptau`."""
    power = open_ptau(ptau).header.power
    needs = [(r.name, _needed_power(ws, r)) for r in built]
    short = [(name, need) for name, need in needs if need > power]
    if short:
        (first, need), *rest = short
        others = "".join(f", {name} needs power {p}" for name, p in rest)
        raise UsageError(
            f"{first} needs a power-{need} ptau{others}; this ptau has power {power}"
            " (see zkt ptau pick NAME)"
        )


def _needed_power(ws: Workspace, built: BuildResult) -> int:
    """Groth16's domain from the r1cs header; PLONK's and fflonk's from their own rows."""
    entry = ws.registry.get(built.name)
    if not entry.universal:
        return built.header.setup_power
    return universal.universal_power(entry.protocol, ws.project.r1cs(built.name))


def _ceremony(ws: Workspace, name: str) -> LocalCeremony:
    """Circuit `name`'s ceremony; a name the registry does not know is refused with the list,
    a PLONK or fflonk circuit (which has no phase 2) is refused."""
    entry = ws.registry.get(name)
    if entry.universal:
        raise UsageError(
            f"{name} uses {entry.protocol}: its key comes from a universal setup (`zkt setup"
            f" {name}`), there is no phase-2 ceremony to run"
        )
    return LocalCeremony(ws.project, ws.tools, entry.name)


def setup(
    ws: Workspace, names: tuple[str, ...], ptau: Path | None, report: Reporter = lambda _: None
) -> list[Record]:
    """Compile, then set up each circuit: a Groth16 one starts its phase-2 ceremony (groth16
    setup), a PLONK or fflonk one gets its final key, verification key and verifier straight
    from the ptau (universal setup, no phase 2)."""
    chosen = ceremony_circuits(ws, names)
    for name in chosen:  # before a dev ptau is made or anything compiled
        if ws.registry.get(name).universal:
            universal.check_fresh(ws.project, name)
    built = compile_circuits(ws, tuple(chosen), report)
    source = ceremony_ptau(ws, ptau, report)
    check_ptau_power(ws, built, source)
    records = []
    for name in chosen:
        records.append(_setup_one(ws, name, source, report))
        if records[-1].inputs["ptau_contributions"] == "0":
            report(insecure_warning(name))
    return records


def _setup_one(ws: Workspace, name: str, ptau: Path, report: Reporter) -> Record:
    entry = ws.registry.get(name)
    if not entry.universal:
        return _ceremony(ws, name).start(ptau)
    record = universal.universal_setup(ws.project, ws.tools, name, entry.protocol, ptau)
    report(f"{name}: {entry.protocol} key in {ws.project.artifacts_dir(name)}, no phase 2 needed")
    return record


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
    source = setup_ptau(ws, name, ptau, report)

    def replace(final: Path) -> None:
        report(f"WARNING: {name}: --force replaces {final} (sha256 {hash_file(final)[:16]}…):"
               " proofs made with it no longer verify")  # fmt: skip

    minimum = config.ceremony.min_contributions
    return ceremony.finalize(source, config.beacon, minimum, replace if force else None)


def verify_ceremony(ws: Workspace, name: str, ptau: Path | None, report: Reporter) -> list[Record]:
    """Re-verify circuit `name`'s whole chain pairwise from its initial key (`status --verify`)."""
    ceremony = _ceremony(ws, name)
    compile_circuits(ws, (name,), report)
    setup_ptau(ws, name, ptau, report)  # the ptau the setup recorded, checked by blake2b
    return ceremony.verify_chain(ws.project.r1cs(name))


def run_ceremony(
    ws: Workspace,
    names: tuple[str, ...],
    contributors: tuple[str, ...],
    ptau: Path | None,
    report: Reporter,
) -> list[str]:
    """A whole local ceremony per circuit: setup, one contribution each, beacon, finalize.

    Circuits already finalized are left as they are; those not set up yet are set up first (the
    ptau's power checked for all of them up front); returns the circuits finalized now.
    """
    config, done = ceremony_config(ws), []
    chosen = _phase2_circuits(ws, names)
    compile_circuits(ws, tuple(chosen), report)
    fresh = tuple(name for name in chosen if not _ceremony(ws, name).records())
    if fresh:
        setup(ws, fresh, ptau, report)
    for name in chosen:
        ceremony = _ceremony(ws, name)
        last = ceremony.records()[-1]
        if ws.project.zkey(name).is_file():
            report(f"{name}: ceremony already finalized ({last.index + 1} steps)")
            continue
        if last.kind != "beacon":
            for who in contributors:
                record = ceremony.contribute(who, fresh_entropy())
                report(f"{name}: contribution {record.index} by {who} accepted")
            ceremony.apply_beacon(config.beacon, config.ceremony.min_contributions)
        finalize(ws, name, ptau, report)
        report(f"{name}: beacon applied, verified, exported to {ws.project.artifacts_dir(name)}")
        done.append(name)
    return done


def _phase2_circuits(ws: Workspace, names: tuple[str, ...]) -> list[str]:
    """The Groth16 circuits a whole ceremony runs for: a PLONK or fflonk one named (or listed
    in ceremony.toml) is refused; by default (every registry circuit) they are left out."""
    chosen = ceremony_circuits(ws, names)
    if names or ceremony_config(ws).ceremony.circuits:
        return [_ceremony(ws, name).name for name in chosen]
    return [name for name in chosen if not ws.registry.get(name).universal]


def transcript(ws: Workspace, name: str) -> list[Record]:
    """The accepted steps of circuit `name`'s ceremony (a universal setup's one record)."""
    return read_transcript(ws.project.transcript(ws.registry.get(name).name))
