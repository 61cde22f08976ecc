"""The manifest model: strict parsing (errors name the key), deterministic JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from toolchain.errors import FormatError, UsageError
from toolchain.integrity.model import (
    Manifest,
    dump_manifest,
    kind_of,
    parse_manifest,
    ptau_id,
    read_manifest,
    write_manifest,
)

SHA = "ab" * 32
B2 = "cd" * 64


def entry(kind: str, path: str | None, **extra: Any) -> dict[str, Any]:
    """A well-formed artifact entry."""
    return {
        "kind": kind,
        "path": path,
        "size": 10,
        "sha256": SHA,
        "blake2b": B2,
        "step": "export",
        "tools": {},
        "inputs": {},
        "settings": {},
        **extra,
    }


def sample() -> dict[str, Any]:
    """A small valid manifest as decoded JSON."""
    return {
        "format": 1,
        "artifacts": {
            "ptau": entry("ptau", None, step="ptau", settings={"power": 4, "published": None}),
            "m/zkey": entry("zkey", "artifacts/m/final.zkey", inputs={"ptau": f"blake2b:{B2}"}),
            "m/vkey": entry("vkey", "artifacts/m/verification_key.json"),
        },
    }


def parse(obj: object) -> Manifest:
    return parse_manifest(json.dumps(obj), "manifest.json")


def test_valid_manifest_round_trips_deterministically() -> None:
    manifest = parse(sample())
    text = dump_manifest(manifest)
    assert text.endswith("}\n") and text == dump_manifest(parse(json.loads(text)))
    assert list(json.loads(text)["artifacts"]) == ["m/vkey", "m/zkey", "ptau"]  # sorted keys
    assert manifest.circuits() == ["m"]
    assert manifest.artifacts["ptau"].link() == f"blake2b:{B2}"
    assert manifest.artifacts["m/zkey"].link() == f"sha256:{SHA}"


def test_malformed_json_is_a_format_error() -> None:
    with pytest.raises(FormatError, match=r"manifest\.json: not valid JSON"):
        parse_manifest('{"format": 1,', "manifest.json")
    with pytest.raises(FormatError, match="not valid JSON"):
        parse_manifest(b"\xff\xfe", "manifest.json")


@pytest.mark.parametrize(
    ("path", "named"),
    [
        (("artifacts", "m/zkey", "sha256"), r"artifacts\.m/zkey\.sha256: Field required"),
        (("artifacts", "m/vkey", "inputs"), r"artifacts\.m/vkey\.inputs: Field required"),
        (("artifacts", "ptau", "settings"), r"artifacts\.ptau\.settings: Field required"),
        (("artifacts",), r"\n  artifacts: Field required"),
        (("format",), r"\n  format: Field required"),
    ],
)
def test_missing_key_is_named(path: tuple[str, ...], named: str) -> None:
    data = sample()
    holder = data
    for key in path[:-1]:
        holder = holder[key]
    del holder[path[-1]]
    with pytest.raises(FormatError, match=named):
        parse(data)


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("sha256", "AB" * 32, r"artifacts\.m/zkey\.sha256: String should match"),
        ("blake2b", "cd" * 32, r"artifacts\.m/zkey\.blake2b: String should match"),
        ("size", -1, r"artifacts\.m/zkey\.size: Input should be greater"),
        ("size", "10", r"artifacts\.m/zkey\.size: Input should be a valid integer"),
        ("step", "guess", r"artifacts\.m/zkey\.step: Input should be"),
        ("inputs", {"ptau": "md5:00"}, r"artifacts\.m/zkey\.inputs\.ptau: String should match"),
        ("surprise", 1, r"artifacts\.m/zkey\.surprise: Extra inputs are not permitted"),
    ],
)
def test_bad_values_are_named(key: str, value: object, named: str) -> None:
    data = sample()
    data["artifacts"]["m/zkey"][key] = value
    with pytest.raises(FormatError, match=named):
        parse(data)


def test_newer_format_is_refused() -> None:
    with pytest.raises(FormatError, match=r"format: Input should be 1"):
        parse({**sample(), "format": 2})


def test_ids_must_name_their_kind_and_a_ptau_must_be_locked() -> None:
    data = sample()
    data["artifacts"]["m/vkey"]["kind"] = "zkey"
    with pytest.raises(FormatError, match="artifact 'm/vkey' has kind 'zkey'"):
        parse(data)
    data = sample()
    data["artifacts"]["m/proof"] = copy.deepcopy(data["artifacts"]["m/vkey"])
    with pytest.raises(FormatError, match="artifact 'm/proof'"):
        parse(data)
    data = sample()
    del data["artifacts"]["ptau"]
    with pytest.raises(FormatError, match="no 'ptau' artifact"):
        parse(data)


def test_kind_of() -> None:
    assert kind_of("ptau") == "ptau"
    assert kind_of("ptau/0123456789abcdef") == "ptau"
    assert kind_of("ptau/0123456789ABCDEF") is None
    assert kind_of("ptau/zkey") == "zkey"  # a circuit may be called ptau
    assert kind_of("merkle_4/wasm") == "wasm"
    assert kind_of("merkle_4/proof") is None
    assert kind_of("/zkey") is None


def test_write_is_atomic_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "artifacts" / "manifest.json"
    with pytest.raises(UsageError, match="run `zkt artifacts lock` first"):
        read_manifest(path)
    write_manifest(path, parse(sample()))
    assert read_manifest(path) == parse(sample())
    assert [p.name for p in path.parent.iterdir()] == ["manifest.json"]


def test_each_key_names_its_own_ptau() -> None:
    data = sample()
    six, eight = ptau_id("6" * 128), ptau_id("8" * 128)
    ptau = data["artifacts"].pop("ptau")
    data["artifacts"][six] = {**ptau, "blake2b": "6" * 128}
    data["artifacts"][eight] = {**ptau, "blake2b": "8" * 128}
    data["artifacts"]["n/zkey"] = entry("zkey", "artifacts/n/final.zkey")
    data["artifacts"]["m/zkey"]["inputs"] = {six: f"blake2b:{'6' * 128}"}
    data["artifacts"]["n/zkey"]["inputs"] = {eight: f"blake2b:{'8' * 128}"}
    manifest = parse(data)
    assert six == "ptau/6666666666666666"
    assert manifest.ptaus() == [six, eight] and manifest.circuits() == ["m", "n"]
    assert (manifest.ptau_of("m"), manifest.ptau_of("n"), manifest.ptau_of("x")) == (
        six,
        eight,
        None,
    )
    assert manifest.keyed_on(eight) == ["n"]
    assert parse(sample()).ptau_of("m") == "ptau"  # manifests locked before per-circuit ptaus
