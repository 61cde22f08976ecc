"""API keys, stored hashed: a file maps each key's sha256 to the circuits it may use.

TOML (`[keys]` table) or JSON (`{"keys": {...}}`), by the file's suffix:

    [keys]
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" = ["multiplier_2"]
    "<sha256 of another key>" = ["*"]        # every circuit

The service never sees a key in clear text until a request brings one; it compares sha256s.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from toolchain.errors import ConfigError

EVERY = "*"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def key_hash(key: str) -> str:
    """The sha256 (hex) an API key is stored as."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class ApiKeys:
    """Which circuits each key (by sha256) may use; None: no keys configured, all open."""

    allowed: dict[str, frozenset[str]] | None

    def circuits_of(self, key: str | None) -> frozenset[str] | None:
        """The circuits `key` may use (EVERY for all); None for no key or an unknown one."""
        if self.allowed is None:
            return frozenset({EVERY})
        return self.allowed.get(key_hash(key)) if key else None


def load_api_keys(path: Path | None) -> ApiKeys:
    """The keys of `path` (ConfigError naming what is wrong); no path: no authentication."""
    if path is None:
        return ApiKeys(None)
    try:
        text = path.read_text()
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"--api-keys {path}: {exc.strerror}") from None
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if path.suffix == ".json" else "TOML"
        raise ConfigError(f"--api-keys {path}: not valid {kind}: {exc}") from None
    return ApiKeys(_parse(path, data))


def _parse(path: Path, data: object) -> dict[str, frozenset[str]]:
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict):
        raise ConfigError(f"--api-keys {path}: needs a `keys` table of sha256 = [circuits]")
    allowed: dict[str, frozenset[str]] = {}
    for digest, circuits in keys.items():
        if not _SHA256.match(digest):
            raise ConfigError(f"--api-keys {path}: {digest[:80]!r} is not a lowercase sha256")
        if not isinstance(circuits, list) or not all(isinstance(c, str) for c in circuits):
            raise ConfigError(f"--api-keys {path}: keys.{digest[:16]}…: a list of circuit names")
        allowed[digest] = frozenset(circuits)
    return allowed
