"""Include resolution and the compile cache key (no compiler runs here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolchain.build import cache_key, collect_dependencies
from toolchain.errors import CompileError
from toolchain.runner.circom import CircomFlags, parse_includes


def test_parse_includes_skips_comments() -> None:
    source = '// include "no.circom";\n/* include "nope.circom"; */\ninclude "yes.circom";\n'
    assert parse_includes(source) == [("yes.circom", 3)]


def test_dependencies_are_transitive_and_relative(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    (lib / "sub").mkdir(parents=True)
    (lib / "a.circom").write_text('include "sub/b.circom";')
    (lib / "sub" / "b.circom").write_text("template B() {}")
    main = tmp_path / "main.circom"
    main.write_text('include "a.circom";')
    deps = collect_dependencies(main, [lib])
    assert list(deps) == ["a.circom", "sub/b.circom"]


def test_missing_include_names_file_and_line(tmp_path: Path) -> None:
    main = tmp_path / "main.circom"
    main.write_text('pragma circom 2.1.0;\ninclude "ghost.circom";\n')
    with pytest.raises(CompileError, match=r'main.circom:2: include "ghost.circom" not found'):
        collect_dependencies(main, [tmp_path / "lib"])


def test_cache_key_covers_every_input() -> None:
    base = cache_key("c", "src", {"a.circom": "00"}, CircomFlags())
    variants = [
        cache_key("d", "src", {"a.circom": "00"}, CircomFlags()),
        cache_key("c", "src2", {"a.circom": "00"}, CircomFlags()),
        cache_key("c", "src", {"a.circom": "01"}, CircomFlags()),
        cache_key("c", "src", {"a.circom": "00"}, CircomFlags(optimization=2)),
    ]
    assert base == cache_key("c", "src", {"a.circom": "00"}, CircomFlags())
    assert len({base, *variants}) == 5
