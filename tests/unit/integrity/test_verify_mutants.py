"""`artifacts verify` rows pinned to the letter: rebuild plumbing, skipped relations, verifier.sol.

Written against the survivors of `nox -s mutate` (docs/mutation.md). `--rebuild` runs circom in
the integration tests; here the compiler is replaced by one that writes the vector files, so
what verify does around it (a scratch build, an empty cache, compile errors as rows, tool errors
raised) is checked without a tool.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, tree
from tests.unit.formats.helpers import vector
from tests.unit.integrity.conftest import NAME, place
from tests.unit.integrity.helpers import (
    edit_manifest,
    failing,
    flip_byte,
    forge,
    lock,
    ptau_ref,
    row_of,
    solidity,
    transcript,
    verify,
)
from toolchain import build
from toolchain.api.workspace import Workspace
from toolchain.config import CircuitEntry
from toolchain.errors import CompileError, ToolError
from toolchain.formats.zkey import open_zkey
from toolchain.hashing import hash_file
from toolchain.integrity import checks
from toolchain.integrity import verify as manifest_verify
from toolchain.integrity.files import release_by_name
from toolchain.integrity.model import manifest_path, ptau_id
from toolchain.integrity.report import Report, Status
from toolchain.integrity.verify import ScratchBuild
from toolchain.paths import Project
from toolchain.runner.tools import Tools

REBUILT = "rebuilt from source with an empty cache: identical"
ZKEY_OK = (
    "header matches r1cs (n_vars 4, n_public 1, domain 4); 4 coefficients match r1cs;"
    " alpha/beta from the ptau pot4_final.ptau (power 4); 2 real phase-2 contribution(s)"
    " + the beacon (at least 1 required)"
)


# --- --rebuild, with the compiler replaced ----------------------------------------------------


class FakeCompiler:
    """compile_entry as verify calls it: writes the vector source, r1cs and wasm, or fails."""

    def __init__(self, ws: Workspace, error: Exception | None = None) -> None:
        self.ws, self.error = ws, error
        self.scratch: list[Path] = []

    def __call__(
        self, project: Project, entry: CircuitEntry, tools: Tools, report: Any, cache_root: Path
    ) -> None:
        scratch = cache_root.parent
        self.scratch.append(scratch)
        assert isinstance(project, ScratchBuild) and project.root == self.ws.project.root
        assert project.build_root == scratch / "build" and scratch == scratch.resolve()
        assert scratch.name.startswith("zkt-rebuild-") and scratch.parent != project.root
        assert cache_root.name == "cache" and not cache_root.exists()  # an empty cache
        assert tools is self.ws.tools and entry == self.ws.registry.get(NAME)
        report(f"compiling {entry.name}")
        if self.error is not None:
            raise self.error
        build.render_to_build(project, entry)
        place(vector("multiplier", "multiplier.r1cs"), project.r1cs(entry.name))
        place(vector("multiplier", "multiplier.wasm"), project.wasm(entry.name))


def rebuild(ws: Workspace, compiler: FakeCompiler, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.setattr(manifest_verify, "compile_entry", compiler)
    messages: list[str] = []
    report = manifest_verify.verify(
        ws.project, ws.registry, ws.tools, rebuild=True, report=messages.append
    )
    assert messages == [f"compiling {NAME}"]
    assert compiler.scratch and not compiler.scratch[0].exists()  # the scratch build is gone
    return report


def test_rebuild_compiles_into_a_scratch_build_and_checks_that(
    vector_ws: Workspace, ptau: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock(vector_ws, ptau)
    shutil.rmtree(vector_ws.project.root / "build")  # build/ is not read with --rebuild
    before = tree(vector_ws.project.root)
    report = rebuild(vector_ws, FakeCompiler(vector_ws), monkeypatch)
    assert not report.failures
    assert row_of(report, f"{NAME}/r1cs") == (Status.OK, REBUILT)
    assert row_of(report, f"{NAME}/wasm") == (Status.OK, REBUILT)
    source = f"{REBUILT}; renders from templates/multiplier.circom.j2"
    assert row_of(report, f"{NAME}/source") == (Status.OK, source)
    assert tree(vector_ws.project.root) == before


def test_a_circuit_that_fails_to_rebuild_fails_its_build_rows(
    vector_ws: Workspace, ptau: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock(vector_ws, ptau)
    before = tree(vector_ws.project.root)
    compiler = FakeCompiler(vector_ws, CompileError("m.circom:3: boom"))
    report = rebuild(vector_ws, compiler, monkeypatch)
    assert failing(report) == {
        f"{NAME}/{kind}": "rebuild failed: m.circom:3: boom" for kind in ("source", "r1cs", "wasm")
    }
    assert row_of(report, f"{NAME}/zkey") == (
        Status.OK,
        f"{NAME}/r1cs failed: relation skipped; alpha/beta from the ptau pot4_final.ptau"
        " (power 4); 2 real phase-2 contribution(s) + the beacon (at least 1 required)",
    )
    assert tree(vector_ws.project.root) == before


def test_a_missing_tool_stops_the_rebuild(
    vector_ws: Workspace, ptau: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock(vector_ws, ptau)
    compiler = FakeCompiler(vector_ws, ToolError("circom is not installed"))
    with pytest.raises(ToolError, match=r"^circom is not installed$"):
        rebuild(vector_ws, compiler, monkeypatch)


# --- rows of absent files: their exact wording ------------------------------------------------


def test_absent_files_are_named_by_kind(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    pid = ptau_ref(ptau)
    ptau.unlink()
    vector_ws.project.vkey(NAME).unlink()
    vector_ws.project.r1cs(NAME).unlink()
    report = verify(vector_ws)
    assert row_of(report, pid) == (
        Status.SKIPPED,
        f"ptau of {NAME}; not a published ptau; ptau not present: hash and relations not checked",
    )
    assert row_of(report, f"{NAME}/vkey") == (Status.MISSING, "not found")
    assert row_of(report, f"{NAME}/r1cs") == (
        Status.MISSING,
        "not found: run `zkt compile` first, or verify with --rebuild",
    )


def test_a_ptau_given_among_two_of_its_size_is_found_by_hash(
    vector_ws: Workspace, ptau: Path
) -> None:
    lock(vector_ws, ptau)
    pid, fake = ptau_ref(ptau), ptau_id("0" * 128)

    def twin(data: dict[str, Any]) -> None:  # one more locked ptau of the same size
        arts = data["artifacts"]
        arts[fake] = {**arts[pid], "blake2b": "0" * 128, "path": None}

    edit_manifest(vector_ws.project, twin)
    moved = place(ptau, ptau.with_name("elsewhere.ptau"))
    ptau.unlink()
    report = verify(vector_ws, ptau=moved)
    assert failing(report) == {fake: "no locked key was set up on it"}
    assert row_of(report, pid)[0] == Status.OK


def locked_sha(ws: Workspace, art_id: str) -> str:
    return str(json.loads(manifest_path(ws.project).read_text())["artifacts"][art_id]["sha256"])


def test_rows_without_notes_say_the_hashes_match(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    report = verify(vector_ws)
    assert row_of(report, f"{NAME}/r1cs") == (Status.OK, "hashes match")
    assert row_of(report, f"{NAME}/wasm") == (Status.OK, "hashes match")


def test_rows_are_labelled_by_path_and_the_ptau_by_file_name(
    vector_ws: Workspace, ptau: Path
) -> None:
    lock(vector_ws, ptau)
    labels = {row.artifact: row.label for row in verify(vector_ws).rows}
    assert labels[ptau_ref(ptau)] == "pot4_final.ptau"
    assert labels[f"{NAME}/r1cs"] == f"build/{NAME}/{NAME}.r1cs"
    assert labels[f"{NAME}/zkey"] == f"artifacts/{NAME}/final.zkey"


def test_a_key_row_lists_every_relation(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    assert row_of(verify(vector_ws), f"{NAME}/zkey") == (Status.OK, ZKEY_OK)
    ptau.unlink()
    zkey = ZKEY_OK.replace(
        "alpha/beta from the ptau pot4_final.ptau (power 4)", "ptau not present: skipped relation"
    )
    assert row_of(verify(vector_ws), f"{NAME}/zkey") == (Status.OK, zkey)


def test_the_key_needs_ceremony_tomls_minimum(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    config = (REPO / "ceremony" / "ceremony.toml").read_text()
    config = re.sub(r"(?m)^min_contributions = \d+$", "min_contributions = 3", config)
    vector_ws.project.ceremony_config.parent.mkdir(exist_ok=True)
    vector_ws.project.ceremony_config.write_text(config)
    assert failing(verify(vector_ws)) == {
        f"{NAME}/zkey": "final.zkey: 2 real contributions (the beacon excluded), at least 3"
        " needed (min_contributions): a key with fewer trusts too few people"
    }


@pytest.mark.parametrize(
    ("locked", "detail"),
    [
        (2, f"ptau of {NAME}; it lists 3 phase-1 contributions, the lock 2"),
        (None, None),  # a lock from before the count was recorded: the file's count stands
    ],
)
def test_the_ptaus_contribution_count_is_the_locked_one(
    vector_ws: Workspace, ptau: Path, locked: int | None, detail: str | None
) -> None:
    lock(vector_ws, ptau)
    pid = ptau_ref(ptau)

    def count(data: dict[str, Any]) -> None:
        settings = data["artifacts"][pid]["settings"]
        if locked is None:
            del settings["contributions"]
        else:
            settings["contributions"] = locked

    edit_manifest(vector_ws.project, count)
    report = verify(vector_ws)
    if detail is None:
        assert row_of(report, pid) == (
            Status.OK,
            f"ptau of {NAME}; not a published ptau; power 4; 3 phase-1 contribution(s)",
        )
    else:
        assert failing(report) == {pid: detail}


def test_a_ptau_without_contributions_is_flagged_insecure(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    pid = ptau_ref(ptau)

    def legacy(data: dict[str, Any]) -> None:  # the one "ptau" id older locks wrote
        data["artifacts"]["ptau"] = data["artifacts"].pop(pid)
        data["artifacts"]["ptau"]["settings"]["contributions"] = 0
        inputs = data["artifacts"][f"{NAME}/zkey"]["inputs"]
        inputs["ptau"] = inputs.pop(pid)

    edit_manifest(vector_ws.project, legacy)
    shutil.copyfile(vector("ptau", "pot4_0000.ptau"), ptau)  # the ceremony's start, locked
    forge(vector_ws.project, "ptau", ptau)
    report = verify(vector_ws)
    assert row_of(report, "ptau") == (
        Status.OK,
        f"ptau of {NAME}; not a published ptau; power 4; no phase-1 contribution: INSECURE",
    )
    assert failing(report) == {
        f"{NAME}/zkey": "zkey alpha1, beta1, beta2 differ from the ptau's (pot4_final.ptau):"
        " another ptau"
    }


def test_a_published_ptau_with_its_pinned_hash_is_named_and_skipped(
    vector_ws: Workspace, ptau: Path
) -> None:
    lock(vector_ws, ptau)
    name = "powersOfTau28_hez_final_08.ptau"
    release = release_by_name(name)
    assert release is not None
    pid, pinned = ptau_ref(ptau), ptau_id(release.blake2b)

    def published(data: dict[str, Any]) -> None:  # locked from the download, not in the cache
        arts = data["artifacts"]
        arts[pinned] = {**arts.pop(pid), "blake2b": release.blake2b, "path": None}
        arts[pinned]["settings"]["published"] = name
        inputs = arts[f"{NAME}/zkey"]["inputs"]
        del inputs[pid]
        inputs[pinned] = f"blake2b:{release.blake2b}"

    edit_manifest(vector_ws.project, published)
    report = verify(vector_ws)
    (row,) = [row for row in report.rows if row.artifact == pinned]
    assert (row.label, row.status, row.detail) == (
        name,
        Status.SKIPPED,
        f"ptau of {NAME}; {name} (pinned blake2b); ptau not present: hash and relations not"
        " checked",
    )
    assert not report.failures


def test_a_ptau_shared_by_two_keys_names_both(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)

    def second_key(data: dict[str, Any]) -> None:  # another circuit's key on the same ptau
        arts = data["artifacts"]
        arts["another/zkey"] = {**arts[f"{NAME}/zkey"], "path": "artifacts/another/final.zkey"}

    edit_manifest(vector_ws.project, second_key)
    report = verify(vector_ws)
    assert row_of(report, ptau_ref(ptau)) == (
        Status.OK,
        f"ptau of another, {NAME}; not a published ptau; power 4; 3 phase-1 contribution(s)",
    )
    assert failing(report) == {"another/zkey": "not found"}


def test_a_changed_file_shows_both_hashes_and_sizes(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    path = vector_ws.project.r1cs(NAME)
    old, size = hash_file(path), path.stat().st_size
    path.write_bytes(path.read_bytes() + b"\0")
    new = hash_file(path)
    assert failing(verify(vector_ws)) == {
        f"{NAME}/r1cs": f"content differs from the lock: sha256 {new[:16]}… (locked"
        f" {old[:16]}…), {size + 1} bytes (locked {size})"
    }


def test_inputs_are_checked_against_the_manifest(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    wrong = "sha256:" + "1" * 64

    def relink(data: dict[str, Any]) -> None:
        inputs = data["artifacts"][f"{NAME}/r1cs"]["inputs"]
        locked_link = inputs[f"{NAME}/source"]
        inputs[f"{NAME}/source"] = wrong
        data["artifacts"][f"{NAME}/vkey"]["inputs"]["gone/zkey"] = locked_link

    edit_manifest(vector_ws.project, relink)
    source = locked_sha(vector_ws, f"{NAME}/source")
    assert failing(verify(vector_ws)) == {
        f"{NAME}/r1cs": f"its input {NAME}/source is recorded as {wrong[:23]}…, the manifest"
        f" locks sha256:{source[:16]}…",
        f"{NAME}/vkey": "its input gone/zkey is not in the manifest",
    }


def test_a_ptau_of_another_power_than_locked_fails(vector_ws: Workspace, ptau: Path) -> None:
    lock(vector_ws, ptau)
    pid = ptau_ref(ptau)

    def power(data: dict[str, Any]) -> None:
        data["artifacts"][pid]["settings"]["power"] = 5

    edit_manifest(vector_ws.project, power)
    assert failing(verify(vector_ws)) == {
        pid: f"ptau of {NAME}; its header says power 4, the lock 5"
    }


# --- relations skipped when what they read failed ---------------------------------------------


@pytest.mark.parametrize("broken", ["zkey", "r1cs"])
def test_a_transcript_relation_needs_its_key_and_r1cs(
    vector_ws: Workspace, ptau: Path, broken: str
) -> None:
    transcript(vector_ws, ptau)
    lock(vector_ws, ptau)
    flip_byte(vector_ws.project.zkey(NAME) if broken == "zkey" else vector_ws.project.r1cs(NAME))
    report = verify(vector_ws)
    skipped = f"{NAME}/{broken} failed: relation skipped"
    assert row_of(report, f"{NAME}/transcript") == (Status.OK, skipped)


# --- verifier.sol -----------------------------------------------------------------------------


def with_verifier(ws: Workspace, edit: Callable[[dict[str, int]], dict[str, int]]) -> Path:
    """multiplier_2's verifier.sol: the key's constants, changed by `edit`."""
    key = open_zkey(ws.project.zkey(NAME))
    text = solidity(edit(checks.verifier_constants(key)), key.header.n_public)
    path = ws.project.verifier_sol(NAME)
    path.write_text(text)
    return path


def test_a_locked_verifier_is_checked_against_the_key(vector_ws: Workspace, ptau: Path) -> None:
    with_verifier(vector_ws, lambda c: c)
    lock(vector_ws, ptau)
    report = verify(vector_ws)
    count = len(checks.verifier_constants(open_zkey(vector_ws.project.zkey(NAME))))
    assert row_of(report, f"{NAME}/verifier") == (
        Status.OK,
        f"constants are final.zkey's key ({count} checked)",
    )
    flip_byte(vector_ws.project.zkey(NAME))
    skipped = f"{NAME}/zkey failed: relation skipped"
    report = verify(vector_ws)
    assert row_of(report, f"{NAME}/verifier") == (Status.OK, skipped)
    assert row_of(report, f"{NAME}/vkey") == (Status.OK, skipped)


def test_a_forged_verifier_is_caught_by_its_constants(vector_ws: Workspace, ptau: Path) -> None:
    with_verifier(vector_ws, lambda c: c)
    lock(vector_ws, ptau)
    forged = with_verifier(vector_ws, lambda c: {**c, "deltax1": c["deltax1"] + 1})
    forge(vector_ws.project, f"{NAME}/verifier", forged)  # its hashes locked anew
    assert failing(verify(vector_ws)) == {
        f"{NAME}/verifier": "constants deltax1 differ from final.zkey's key"
    }
