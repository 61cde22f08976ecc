"""Render, compile and count: the verbs that turn circuits.toml entries into .r1cs and .wasm."""

from __future__ import annotations

from pathlib import Path

from toolchain import build
from toolchain.api.workspace import Workspace
from toolchain.build import BuildResult, Reporter


def render(ws: Workspace, names: tuple[str, ...] = ()) -> list[Path]:
    """Render the named circuits (all when none) into build/<name>/<name>.circom.

    A hand-written circuit is not rendered: its source file is listed as it is.
    """
    written = []
    for entry in ws.registry.select(names):
        build.prepare_source(ws.project, entry)
        written.append(build.source_path(ws.project, entry))
    return written


def compile_circuits(
    ws: Workspace, names: tuple[str, ...] = (), report: Reporter = lambda _: None
) -> list[BuildResult]:
    """Render and compile the named circuits (all when none), through the cache."""
    results = []
    for entry in ws.registry.select(names):
        result = build.compile_entry(ws.project, entry, ws.tools, report)
        report(
            f"{result.name}: {result.status} ({result.header.n_constraints} constraints,"
            f" {result.seconds:.2f} s)"
        )
        results.append(result)
    return results


def circuit_info(ws: Workspace, name: str) -> dict[str, int]:
    """The counts `snarkjs r1cs info` reports, read natively from the compiled .r1cs."""
    (result,) = compile_circuits(ws, (name,))
    h = result.header
    return {
        "constraints": h.n_constraints,
        "wires": h.n_wires,
        "public_inputs": h.n_pub_in,
        "private_inputs": h.n_prv_in,
        "outputs": h.n_pub_out,
        "labels": h.n_labels,
    }
