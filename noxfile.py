"""nox sessions: the menu a circuit developer works from (`nox -l`)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time

import nox

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # toolchain.nox, before install
from toolchain.nox import sessions as zkt

nox.options.sessions = ["lint", "typecheck", "tests", "fuzz", "verify_artifacts", "audit"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


def _install(session: nox.Session, extras: str = "dev,gmp,fast") -> None:
    session.install("-e", f".[{extras}]")


def _tools(session: nox.Session) -> None:
    session.run("zkt", "tools", "install")
    session.run("zkt", "tools", "doctor")


def _install_with_tools(session: nox.Session) -> None:
    _install(session)
    _tools(session)


# The sessions a circuit project gets from toolchain.nox, on this repository's own checkout.
zkt.configure(install=_install_with_tools, python=PYTHON)
zkt.compile()
zkt.setup()
zkt.ceremony()
zkt.verify_artifacts()
zkt.audit()


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite against the real pinned circom and snarkjs (installed first)."""
    _install_with_tools(session)
    _evm_test_tools(session)
    # The mcl engine is part of what CI tests: its tests fail here, not skip, without the wheel.
    # Two workers, a test file each at a time: most tests wait on circom, snarkjs or a server.
    # `nox -s tests -- -n 0 ...` runs serially (the last -n wins).
    xdist = ["-n", "2", "--dist", "loadfile"]
    # --durations: the slowest tests in every run's log, where the next cut starts.
    report = ["-ra", "--durations=25"]
    session.run("pytest", *report, *xdist, *session.posargs, env={"ZKT_REQUIRE_MCL": "1"})


def _evm_test_tools(session: nox.Session) -> None:
    """The test-only solcjs of tests/evm for the on-chain tests and the `protocols` bench (its
    lock file pins it; soljson.js ships inside the package: nothing is downloaded at run time).
    Without npm the session fails, never skips."""
    folder = os.path.join("tests", "evm")
    session.run("npm", "ci", "--prefix", folder, "--ignore-scripts", "--no-audit", "--no-fund",
                external=True)  # fmt: skip


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and the layers contract (lint-imports)."""
    session.install("ruff>=0.5", "import-linter>=2.1")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on toolchain/."""
    _install(session)
    session.run("mypy", "toolchain")


@nox.session(python=PYTHON, default=False)
def mutate(session: nox.Session) -> None:
    """Mutation testing of the checks, verifiers and parsers (build/mutation/report.md).

    Not in the default run: the whole set takes about an hour and a half on 2 cores. Mutant
    names bound it: `nox -s mutate -- 'toolchain.ceremony.checks*'`. Survivors explained in
    docs/mutation.md count as equivalent."""
    _install_with_tools(session)
    session.install("mutmut>=3.8,<4")
    shutil.rmtree("mutants", ignore_errors=True)  # a fresh run: results of older code mislead
    env = {"ZKT_REQUIRE_MCL": "1", "ZKT_TOOLS_DIR": os.path.abspath(_tools_dir())}
    started = time.monotonic()
    session.run("mutmut", "run", "--max-children", "2", *session.posargs, env=env)
    minutes = (time.monotonic() - started) / 60
    listed = str(session.run("mutmut", "results", "--all", "true", silent=True, env=env))
    status = dict(line.strip().rsplit(": ", 1) for line in listed.splitlines() if ": " in line)
    with open(os.path.join("docs", "mutation.md")) as fh:  # survivors explained as equivalent
        equivalent = set(re.findall(r"`(toolchain\.\S+__mutmut_\d+)`", fh.read()))
    killed = {"killed", "timeout", "segfault", "caught by type check"}
    rows, survivors = [], []
    for module in sorted({re.sub(r"\.x[_ǁ].*", "", name) for name in status}):
        mine = {n: s for n, s in status.items() if n.startswith(module + ".x")}
        tried = [n for n, s in mine.items() if s != "not checked"]
        if not tried:
            continue
        dead = sum(mine[n] in killed for n in tried)
        alive = [n for n in tried if mine[n] not in killed]
        real = [n for n in alive if n not in equivalent]
        rates = f"{100 * dead / len(tried):.1f} % | {100 * dead / (dead + len(real) or 1):.1f} %"
        counts = f"{len(tried)} | {dead} | {len(real)} | {len(alive) - len(real)}"
        rows.append(f"| {module} | {counts} | {rates} |")
        survivors += [(n, mine[n]) for n in alive]
    lines = [
        "# Mutation testing (`nox -s mutate`)",
        "",
        f"mutmut, {minutes:.1f} min on 2 workers; selection: {' '.join(session.posargs) or 'all'}.",
        "Rates: killed / mutants, and killed / (mutants − equivalent) (docs/mutation.md).",
        "",
        "| module | mutants | killed | survived | equivalent | killed | without equivalents |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## Survivors",
    ]
    for name, state in survivors:
        diff = str(session.run("mutmut", "show", name, silent=True, env=env)).splitlines()
        changed = [d for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---")]
        lines += ["", f"- `{name}` ({'equivalent' if name in equivalent else state})", ""]
        lines += ["  ```diff", *(f"  {d}" for d in changed), "  ```"]
    os.makedirs(os.path.join("build", "mutation"), exist_ok=True)
    with open(os.path.join("build", "mutation", "report.md"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    session.log("\n".join(lines[: 8 + len(rows)]))


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """atheris on every reader of untrusted input (`-- --seconds N`, default 60 in all)."""
    _install(session)
    session.run("python", "fuzz/run.py", *session.posargs)


@nox.session(python=PYTHON)
def tools(session: nox.Session) -> None:
    """Install the pinned npm tools (snarkjs, circom2, circomlib) and check them."""
    _install_with_tools(session)


DEMO = os.path.join("build", "demo")
CONTRIBUTORS = ("--contributor", "alice", "--contributor", "bob", "--contributor", "carol")


def _demo_project() -> None:
    """A scratch copy of the example project, so the demo never touches committed artifacts."""
    shutil.rmtree(DEMO, ignore_errors=True)
    for folder in ("templates", "circuits"):
        shutil.copytree(folder, os.path.join(DEMO, folder))
    os.makedirs(os.path.join(DEMO, "ceremony"))
    shutil.copy(os.path.join("ceremony", "ceremony.toml"), os.path.join(DEMO, "ceremony"))


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The whole path on the example circuits: compile, ceremony, lock, prove, verify."""
    _install_with_tools(session)
    _demo_project()
    session.env["ZKT_TOOLS_DIR"] = os.path.abspath(_tools_dir())  # the demo copy has none
    zkt = ("zkt", "--project", DEMO)
    session.run(*zkt, "compile")
    session.run(*zkt, "ceremony", "run", *CONTRIBUTORS)
    ptau = session.run(*zkt, "ceremony", "ptau", silent=True).strip().splitlines()[-1]
    session.run(*zkt, "artifacts", "lock", "--ptau", ptau)  # prints the artifact table
    session.run(*zkt, "artifacts", "verify", silent=True)  # its output shows only if it fails
    print("\nProofs (each made by one backend, verified by native and snarkjs):")
    for name in ("multiplier_2", "merkle_4", "membership_4", "range_32"):
        _demo_proof(session, zkt, name)


def _demo_proof(session: nox.Session, zkt: tuple[str, ...], name: str) -> None:
    """Prove `name` on its valid input, verify with every verifier, print what a user wants."""
    inputs = os.path.join(DEMO, "circuits", "inputs", name, "valid.json")
    out = os.path.join(DEMO, "build", name, "proof")
    proved = session.run(*zkt, "prove", name, inputs, "--out", out, silent=True)
    proof, public = os.path.join(out, "proof.json"), os.path.join(out, "public.json")
    checked = session.run(*zkt, "verify", name, proof, public, "--backend", "all", silent=True)
    backend = re.search(r": proof by (\w+) in ", str(proved))
    verifiers = re.findall(r"valid proof \((\w+) verifier\)", str(checked))
    with open(public) as fh:
        signals = json.load(fh)
    print(f"  {name}: public signals {signals}")
    prover = backend[1] if backend else "?"
    print(f"    {proof}: proved by {prover}, valid for {' and '.join(verifiers)}")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks, side by side in one run, written to build/bench/*.md."""
    _install(session, "dev,gmp,fast,bench")  # bench: groth16py, a peer in `peers`
    _tools(session)
    _evm_test_tools(session)  # `protocols` measures gas on the solcjs-compiled verifiers
    session.run("python", "bench/run.py", *session.posargs, env={"PYTHONHASHSEED": "0"})


@nox.session(python=PYTHON)
def vectors(session: nox.Session) -> None:
    """Regenerate the snarkjs-made test vectors in tests/vectors/ (`-- --check` only compares)."""
    _install_with_tools(session)
    node_modules = os.path.join(_tools_dir(), "node_modules")
    session.run("python", "tests/vectors/regenerate.py", "--tools", node_modules, *session.posargs)


def _tools_dir() -> str:
    """Where `zkt tools install` put the pinned tools for this checkout."""
    return os.environ.get("ZKT_TOOLS_DIR", os.path.join(".zkt", "tools"))
