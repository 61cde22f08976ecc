"""Transcripts append, link and refuse anything that does not extend the last record."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.ceremony.transcript import (
    GENESIS_LINK,
    Record,
    append_record,
    file_hashes,
    read_transcript,
)
from toolchain.errors import FormatError, IntegrityError


def record(tmp_path: Path, index: int, previous: str, contribution: str) -> Record:
    produced = tmp_path / f"f{index}.bin"
    produced.write_bytes(bytes([index]) * 100)
    return Record(
        index=index,
        kind="contribution",
        name=f"p{index}",
        contribution_hash=contribution,
        previous_hash=previous,
        file=file_hashes(produced, tmp_path),
        tools={"snarkjs": "0.7.6"},
        time="2026-01-01T00:00:00+00:00",
    )


def test_append_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    first = append_record(path, record(tmp_path, 0, "", "aa"))
    second = append_record(path, record(tmp_path, 1, "aa", "bb"))
    assert first.record_link == GENESIS_LINK and second.record_link != GENESIS_LINK
    assert read_transcript(path) == [first, second]
    assert second.file.path == "f1.bin" and second.file.size == 100


def test_refuses_a_record_that_does_not_extend(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    append_record(path, record(tmp_path, 0, "", "aa"))
    with pytest.raises(IntegrityError, match="does not follow"):
        append_record(path, record(tmp_path, 2, "aa", "bb"))
    with pytest.raises(IntegrityError, match="the last accepted contribution is aa"):
        append_record(path, record(tmp_path, 1, "zz", "bb"))
    assert len(read_transcript(path)) == 1


def test_edited_line_breaks_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    for i, (prev, cur) in enumerate([("", "aa"), ("aa", "bb"), ("bb", "cc")]):
        append_record(path, record(tmp_path, i, prev, cur))
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0].replace('"p0"', '"mallory"') + "".join(lines[1:]))
    with pytest.raises(IntegrityError, match=r"t.jsonl:2: transcript chain broken"):
        read_transcript(path)
    path.write_text(lines[0] + lines[2])  # a dropped record
    with pytest.raises(IntegrityError, match="chain broken"):
        read_transcript(path)


def test_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("{not json\n")
    with pytest.raises(FormatError, match=r"t\.jsonl:1: not a transcript record"):
        read_transcript(path)
    path.write_text('{"index": 0}\n')
    with pytest.raises(FormatError, match=r"^.*/t\.jsonl:1: not a transcript record: 'file'$"):
        read_transcript(path)


def test_missing_transcript_is_empty(tmp_path: Path) -> None:
    assert read_transcript(tmp_path / "none.jsonl") == []
