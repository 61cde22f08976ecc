"""Hostile copies of committed ceremony vectors: whole sections replaced."""

from __future__ import annotations

from pathlib import Path

from tests.unit.formats.helpers import rebuild, replace_section, split_sections


def tampered(path: Path, out: Path, **payloads: bytes) -> Path:
    """A copy of a key with whole sections replaced, given as section_<id>=payload."""
    magic, version, sections = split_sections(path)
    for key, payload in payloads.items():
        sections = replace_section(sections, int(key.removeprefix("section_")), payload)
    return rebuild(out, magic, version, sections)


def section(path: Path, section_id: int) -> bytes:
    """The payload of one section of a binary file."""
    return dict(split_sections(path)[2])[section_id]
