"""The content-addressed store: objects named by their sha256, temp files cleared."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.coordinator.store import ObjectStore
from toolchain.errors import IntegrityError
from toolchain.hashing import sha256_bytes


def test_put_and_check(tmp_path: Path) -> None:
    store = ObjectStore(tmp_path / "objects")
    source = tmp_path / "k.zkey"
    source.write_bytes(b"key bytes")
    digest = store.put_copy(source)
    assert digest == sha256_bytes(b"key bytes")
    assert store.check(digest, 9).read_bytes() == b"key bytes"
    assert store.path(digest).parent.name == digest[:2]
    assert list(store.tmp.iterdir()) == []


def test_a_changed_object_is_refused(tmp_path: Path) -> None:
    store = ObjectStore(tmp_path / "objects")
    temp = store.new_temp("x.zkey")
    temp.write_bytes(b"abc")
    path = store.put(temp, sha256_bytes(b"abc"))
    path.write_bytes(b"abd")
    with pytest.raises(IntegrityError, match=r"missing or not the key the database recorded$"):
        store.check(sha256_bytes(b"abc"), 3)


def test_interrupted_uploads_are_cleared(tmp_path: Path) -> None:
    store = ObjectStore(tmp_path / "objects")
    store.new_temp("half.zkey").write_bytes(b"half")
    store.clear_temps()
    assert list(store.tmp.iterdir()) == []
