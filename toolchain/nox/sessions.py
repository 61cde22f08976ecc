"""Ready nox sessions for a circuit project: one line each in the project's noxfile.py.

    from toolchain.nox import sessions as zkt
    zkt.compile()       # nox -s compile [-- NAME...]
    zkt.test()          # nox -s test [-- PYTEST ARGS]
    zkt.audit()         # nox -s audit [-- NAME... --seconds N]

By default a session runs in the environment nox runs in, where zk-toolchain is installed
(`pip install zk-toolchain nox pytest`): nothing is created or downloaded per session.
`configure(install=...)` gives every session its own virtualenv, set up by that function first
(this repository's own noxfile installs its checkout that way). Posargs (after `--`) go to the
command each session runs.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nox

Installer = Callable[[nox.Session], None]


@dataclass
class _Settings:
    install: Installer | None = None
    python: str | None = None


_settings = _Settings()


def configure(*, install: Installer | None = None, python: str | None = None) -> None:
    """Sessions registered after this run in their own venv (`python`), set up by `install`."""
    _settings.install, _settings.python = install, python


def _register(name: str, doc: str, body: Installer) -> None:
    install = _settings.install

    def session(s: nox.Session) -> None:
        if install is not None:
            install(s)
        body(s)

    session.__doc__, session.__name__ = doc, name
    python: str | bool | None = _settings.python if install else False
    nox.session(name=name, python=python)(session)


def _python(s: nox.Session) -> str:
    """The interpreter with zk-toolchain: the session's own venv, else the one running nox."""
    return "python" if _settings.install else sys.executable


def zkt(s: nox.Session, *args: str, silent: bool = False) -> str:
    """Run `zkt ARGS` in the session; its stdout when `silent`."""
    out = s.run(_python(s), "-m", "toolchain", *args, silent=silent, external=True)
    return out if isinstance(out, str) else ""


def ptau_path(s: nox.Session) -> str:
    """The ptau ceremony.toml names (fetched, or the dev one regenerated)."""
    return zkt(s, "ceremony", "ptau", silent=True).strip().splitlines()[-1]


def compile() -> None:
    """Register `compile`: render and compile every circuit, or those named after `--`."""

    def body(s: nox.Session) -> None:
        zkt(s, "compile", *s.posargs)

    _register("compile", "Render and compile the circuits (or those named after --).", body)


def tools() -> None:
    """Register `tools`: install the pinned snarkjs, circom and circomlib, then check them."""

    def body(s: nox.Session) -> None:
        zkt(s, "tools", "install")
        zkt(s, "tools", "doctor")

    _register("tools", "Install the pinned snarkjs, circom and circomlib, and check them.", body)


def test() -> None:
    """Register `test`: pytest with the circuit fixture (zk-toolchain's plugin)."""

    def body(s: nox.Session) -> None:
        s.run(_python(s), "-m", "pytest", *s.posargs, external=True)

    _register("test", "Run the circuit tests (pytest with the `circuit` fixture).", body)


def setup() -> None:
    """Register `setup`: start the phase-2 ceremony of the circuits."""

    def body(s: nox.Session) -> None:
        zkt(s, "setup", *s.posargs)

    _register("setup", "Start the phase-2 ceremony (groth16 setup) of the circuits.", body)


def ceremony(contributors: tuple[str, ...] = ("alice", "bob", "carol")) -> None:
    """Register `ceremony`: a local ceremony by `contributors`, then lock the artifacts."""

    def body(s: nox.Session) -> None:
        names = [arg for who in contributors for arg in ("--contributor", who)]
        zkt(s, "ceremony", "run", *names, *s.posargs)
        zkt(s, "artifacts", "lock", "--ptau", ptau_path(s))

    _register("ceremony", "A local phase-2 ceremony with the beacon, then lock the artifacts.",
              body)  # fmt: skip


def audit() -> None:
    """Register `audit`: `zkt audit` of every circuit (or those named after --); fails on an
    under-constrained circuit whose circuits.toml policy is `fail` (the default)."""

    def body(s: nox.Session) -> None:
        zkt(s, "audit", *s.posargs)

    _register("audit", "Audit the circuits for under-constrained outputs (zkt audit).", body)


def verify_artifacts() -> None:
    """Register `verify_artifacts`: what CI runs (`-- --rebuild` compiles from source)."""

    def body(s: nox.Session) -> None:
        if "--rebuild" not in s.posargs:
            zkt(s, "compile")  # build/ is not committed; --rebuild compiles on its own
        zkt(s, "artifacts", "verify", "--ptau", ptau_path(s), *s.posargs)

    _register("verify_artifacts", "Check artifacts/manifest.json, as CI does (-- --rebuild).",
              body)  # fmt: skip


def provable(root: Path) -> list[tuple[str, Path]]:
    """(circuit, its circuits/inputs/NAME/valid.json) for every circuit with a final key."""
    return [
        (key.parent.name, root / "circuits" / "inputs" / key.parent.name / "valid.json")
        for key in sorted((root / "artifacts").glob("*/final.zkey"))
        if (root / "circuits" / "inputs" / key.parent.name / "valid.json").is_file()
    ]


def prove() -> None:
    """Register `prove`: prove each finalized circuit's valid input, verify with every backend
    of its proof system (`--backend all`: Groth16 native and snarkjs; PLONK, fflonk snarkjs)."""

    def body(s: nox.Session) -> None:
        for name, inputs in provable(Path.cwd()):
            out = Path("build") / name / "proof"
            zkt(s, "prove", name, str(inputs), "--out", str(out), "--force", *s.posargs)
            proof, public = str(out / "proof.json"), str(out / "public.json")
            zkt(s, "verify", name, proof, public, "--backend", "all")

    _register("prove", "Prove each finalized circuit's valid input; verify under every backend.",
              body)  # fmt: skip


def bench(backends: tuple[str, ...] = ("snarkjs", "native"), runs: int = 3) -> None:
    """Register `bench`: whole-process proving time per circuit and backend, as ratios."""

    def body(s: nox.Session) -> None:
        rows = ["| circuit | " + " | ".join(backends) + " |", "|---" * (len(backends) + 1) + "|"]
        for name, inputs in provable(Path.cwd()):
            times = [_median_prove(s, name, inputs, backend, runs) for backend in backends]
            cells = [f"{t:.2f} s ({t / times[0]:.2f}×)" for t in times]
            rows.append(f"| {name} | " + " | ".join(cells) + " |")
        table = Path("build") / "bench" / "prove.md"
        table.parent.mkdir(parents=True, exist_ok=True)
        table.write_text("\n".join(rows) + "\n")
        s.log("\n".join(rows))

    _register("bench", "Proving time per circuit and backend, side by side (build/bench/).", body)


def _median_prove(s: nox.Session, name: str, inputs: Path, backend: str, runs: int) -> float:
    out = str(Path("build") / name / "bench")
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        argv = ("prove", name, str(inputs), "--backend", backend, "--out", out, "--force")
        zkt(s, *argv, silent=True)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)
