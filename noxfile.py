"""nox sessions: the menu a circuit developer works from (`nox -l`)."""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


def _install(session: nox.Session, extras: str = "dev") -> None:
    session.install("-e", f".[{extras}]")


def _tools(session: nox.Session) -> None:
    session.run("zkt", "tools", "install")
    session.run("zkt", "tools", "doctor")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite against the real pinned circom and snarkjs (installed first)."""
    _install(session, "dev,gmp")
    _tools(session)
    session.run("pytest", "-ra", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on toolchain/."""
    _install(session)
    session.run("mypy", "toolchain")


@nox.session(python=PYTHON)
def tools(session: nox.Session) -> None:
    """Install the pinned npm tools (snarkjs, circom2, circomlib) and check them."""
    _install(session)
    _tools(session)


@nox.session(python=PYTHON)
def compile(session: nox.Session) -> None:
    """Render and compile every registry circuit, or those named after `--`."""
    _install(session)
    _tools(session)
    session.run("zkt", "compile", *session.posargs)


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Set up the tools and run the main job on the example circuits."""
    _install(session)
    _tools(session)
    session.run("zkt", "compile")
    for name in session.posargs or ("multiplier_2", "merkle_4", "membership_4", "range_32"):
        session.run("zkt", "info", name)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks, side by side in one run, written to build/bench/*.md."""
    _install(session, "dev,gmp")
    _tools(session)
    session.run("python", "bench/run.py", *session.posargs, env={"PYTHONHASHSEED": "0"})


@nox.session(python=PYTHON)
def vectors(session: nox.Session) -> None:
    """Regenerate the snarkjs-made test vectors in tests/vectors/ (`-- --check` only compares)."""
    _install(session)
    _tools(session)
    node_modules = os.environ.get("ZKT_TOOLS_DIR", os.path.join(".zkt", "tools"))
    node_modules = os.path.join(node_modules, "node_modules")
    session.run("python", "tests/vectors/regenerate.py", "--tools", node_modules, *session.posargs)
