"""fsutil's output guards: no write over an input, no silent replacement, outputs moved together."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from toolchain import fsutil
from toolchain.errors import UsageError


def test_refuse_existing_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out.ptau"
    fsutil.refuse_existing(out)
    out.write_bytes(b"accepted")
    with pytest.raises(UsageError, match=r"out.ptau exists: choose another path \(--force"):
        fsutil.refuse_existing(out)
    fsutil.refuse_existing(out, force=True)


def test_an_input_stays_refused_when_forced(tmp_path: Path) -> None:
    same = tmp_path / "in.zkey"
    same.write_bytes(b"key")
    with pytest.raises(UsageError, match="is also an input"):
        fsutil.refuse_existing(same, same, force=True)


def test_a_folder_is_refused_when_forced(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        fsutil.refuse_existing(tmp_path, force=True)


def test_staged_outputs_move_in_together_from_a_private_folder(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    with fsutil.staged_outputs(out, ("x", "y")) as stage:
        assert stat.S_IMODE(stage.stat().st_mode) == 0o700 and stage.parent == out
        (stage / "x").write_text("new x")
        (stage / "y").write_text("new y")
        assert not (out / "x").exists()
    assert sorted(p.name for p in out.iterdir()) == ["x", "y"]


def test_a_failed_block_leaves_no_folder_it_created(tmp_path: Path) -> None:
    with (
        pytest.raises(RuntimeError, match=r"^prover failed$"),
        fsutil.staged_outputs(tmp_path / "a" / "b", ("x",)) as stage,
    ):
        (stage / "x").write_text("half")
        raise RuntimeError("prover failed")
    assert list(tmp_path.iterdir()) == []


def test_existing_outputs_are_refused_before_anything_is_created(tmp_path: Path) -> None:
    (tmp_path / "y").write_text("old y")
    with pytest.raises(UsageError, match="y exists"), fsutil.staged_outputs(tmp_path, ("x", "y")):
        pytest.fail("the block must not run")
    assert [p.name for p in tmp_path.iterdir()] == ["y"]


def test_a_failed_move_brings_the_old_files_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("x", "y"):
        (tmp_path / name).write_text(f"old {name}")
    real_replace = os.replace

    def fail_on_new_y(src: Path, dst: Path) -> None:
        if Path(src).parent.name.startswith(".zkt-staging-") and Path(src).name == "y":
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", fail_on_new_y)
    with (
        pytest.raises(OSError, match=r"^disk full$"),
        fsutil.staged_outputs(tmp_path, ("x", "y"), force=True) as stage,
    ):
        (stage / "x").write_text("new x")
        (stage / "y").write_text("new y")
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"x": "old x", "y": "old y"}


def test_a_forced_set_drops_the_old_file_not_written_again(tmp_path: Path) -> None:
    for name in ("x", "y", "kept.wtns"):
        (tmp_path / name).write_text(f"old {name}")
    with fsutil.staged_outputs(tmp_path, ("x", "y", "kept.wtns"), force=True) as stage:
        (stage / "x").write_text("new x")
        (stage / "y").write_text("new y")
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"x": "new x", "y": "new y"}


def test_private_problem_names_what_makes_a_cached_file_untrusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, code = tmp_path / "cache", tmp_path / "cache" / "module.so"
    folder.mkdir(mode=0o700)
    code.write_bytes(b"code")
    code.chmod(0o600)
    assert fsutil.private_problem(folder, folder=True) is None
    assert fsutil.private_problem(code) is None
    assert fsutil.private_problem(folder) == f"{folder}: not a regular file"
    assert fsutil.private_problem(code, folder=True) == f"{code}: not a folder"
    assert (
        fsutil.private_problem(tmp_path / "absent")
        == f"{tmp_path / 'absent'}: No such file or directory"
    )
    (tmp_path / "link.so").symlink_to(code)
    assert (
        fsutil.private_problem(tmp_path / "link.so")
        == f"{tmp_path / 'link.so'}: not a regular file"
    )
    code.chmod(0o620)
    assert fsutil.private_problem(code) == f"{code}: writable by others (mode 620)"
    code.chmod(0o600)
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    assert fsutil.private_problem(code) == f"{code}: owned by uid {uid}, not by this user"


def test_trusted_problem_wants_a_private_file_with_the_named_sha256(tmp_path: Path) -> None:
    code = tmp_path / "module.so"
    code.write_bytes(b"code")
    code.chmod(0o600)
    digest = hashlib.sha256(b"code").hexdigest()
    assert fsutil.trusted_problem(code, digest) is None
    code.write_bytes(b"c0de")  # tampered in place: still private, no longer the named bytes
    actual = hashlib.sha256(b"c0de").hexdigest()
    assert fsutil.trusted_problem(code, digest) == (
        f"{code}: its sha256 is {actual[:16]}..., not {digest[:16]}..."
    )
    code.chmod(0o666)  # not private: refused before it is even read
    assert fsutil.trusted_problem(code, actual) == f"{code}: writable by others (mode 666)"


def test_a_secret_file_is_private_only_when_no_one_else_may_read_it(tmp_path: Path) -> None:
    token = tmp_path / "token.json"
    token.write_text("{}")
    token.chmod(0o600)
    assert fsutil.private_problem(token, secret=True) is None
    token.chmod(0o644)
    assert fsutil.private_problem(token) is None  # code: readable is fine
    assert (
        fsutil.private_problem(token, secret=True) == f"{token}: open to others (mode 644, not 600)"
    )
    token.chmod(0o601)
    assert (
        fsutil.private_problem(token, secret=True) == f"{token}: open to others (mode 601, not 600)"
    )
