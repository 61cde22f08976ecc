"""API key files: sha256 → circuits, refused with the file and what is wrong."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from toolchain.errors import ConfigError
from toolchain.service.apikeys import EVERY, load_api_keys

DIGEST = hashlib.sha256(b"secret").hexdigest()


def test_keys_are_matched_by_their_sha256(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(f'[keys]\n"{DIGEST}" = ["a", "b"]\n')
    keys = load_api_keys(path)
    assert keys.circuits_of("secret") == frozenset({"a", "b"})
    assert keys.circuits_of("other") is None and keys.circuits_of(None) is None


def test_json_works_too_and_no_file_means_open(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text(f'{{"keys": {{"{DIGEST}": ["*"]}}}}')
    assert load_api_keys(path).circuits_of("secret") == frozenset({EVERY})
    assert load_api_keys(None).circuits_of(None) == frozenset({EVERY})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[keys", "not valid TOML: "),
        ("x = 1", "needs a `keys` table of sha256 = [circuits]"),
        ('[keys]\nSECRET = ["a"]', "'SECRET' is not a lowercase sha256"),
        (f'[keys]\n"{DIGEST}" = "a"', f"keys.{DIGEST[:16]}…: a list of circuit names"),
    ],
)
def test_a_bad_file_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "keys.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as refused:
        load_api_keys(path)
    assert str(refused.value).startswith(f"--api-keys {path}: {message}")
    assert refused.value.exit_code == 2
