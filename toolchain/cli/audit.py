"""`zkt audit`: under-constrained signals, one verdict per circuit, exit 1 on a forgeable one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolchain.cli.common import workspace

if TYPE_CHECKING:
    from toolchain.api.audit import CircuitAudit

# At most this many differing signals are listed per circuit in the table (all in --json).
_SHOWN = 6


@click.command(name="audit")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as a JSON array.")
@click.option(
    "--seconds",
    type=float,
    default=10.0,
    show_default=True,
    help="Search budget per circuit for a second witness, in seconds.",
)
@click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Input JSON of the honest witness (one circuit only; default: every"
    " circuits/inputs/NAME/valid*.json in turn, until one shows a second witness).",
)
@click.option(
    "--prove",
    is_flag=True,
    help="Prove each forged witness with the circuit's own key (artifacts/NAME/final.zkey, native"
    " Groth16) and verify the forged proof with its verification key.",
)
@click.pass_context
def audit_cmd(
    ctx: click.Context,
    names: tuple[str, ...],
    as_json: bool,
    seconds: float,
    input_path: Path | None,
    prove: bool,
) -> None:
    """Find under-constrained outputs (all circuits when none named).

    Propagation from the inputs proves outputs unique (verdict `unique`); otherwise a search
    looks for a second witness with the same inputs, every constraint satisfied and another
    output (`under-constrained`: the forged witness is written to build/NAME/forged.wtns, and
    the command exits 1 unless circuits.toml says audit = "warn"). `unknown` means neither
    within the budget: it is reported with a warning and is not proof of safety.
    """
    from toolchain.api.audit import as_json as audit_json
    from toolchain.api.audit import audit_circuits, check_policies, warnings

    ws = workspace(ctx)
    audits = audit_circuits(ws, names, seconds=seconds, input_path=input_path, prove=prove)
    if as_json:
        click.echo(json.dumps([audit_json(a, ws.project.root) for a in audits], indent=2))
    else:
        _table(audits, ws.project.root)
    for line in warnings(audits):
        click.echo(f"zkt: warning: {line}", err=True)
    check_policies(audits)


def _table(audits: list[CircuitAudit], root: Path) -> None:
    # open: outputs propagation left undetermined; internal-open: other signals it left.
    width = max([len("circuit"), *(len(a.name) for a in audits)])
    click.echo(
        f"{'circuit':<{width}} {'verdict':<18} {'outputs':>7} {'open':>5} {'internal-open':>13}"
        f" {'seconds':>8}"
    )
    for a in audits:
        v = a.verdict
        if v is None:
            click.echo(f"{a.name:<{width}} {'skipped':<18} {a.reason}")
            continue
        click.echo(
            f"{a.name:<{width}} {v.status:<18} {len(v.outputs):>7}"
            f" {len(v.undetermined_outputs):>5} {len(v.undetermined_intermediates):>13}"
            f" {v.seconds:>8.2f}"
        )
        _evidence(a, root)


def _evidence(a: CircuitAudit, root: Path) -> None:
    from toolchain.api.audit import differences, shown

    assert a.verdict is not None
    if a.verdict.status != "under-constrained":
        return
    changed = differences(a.verdict)
    for wire, honest, forged in changed[:_SHOWN]:
        click.echo(f"    {a.names([wire])[0]}: honest {honest}, forged {forged}")
    if len(changed) > _SHOWN:
        click.echo(f"    and {len(changed) - _SHOWN} more signals")
    click.echo(f"    forged witness: {shown(root, a.forged_wtns)}")
    if a.forged_proof is not None:
        accepted = "verifies" if a.forged_proof.verified else "does NOT verify"
        proof = shown(root, a.forged_proof.proof)
        click.echo(f"    forged proof: {proof} ({accepted} with the circuit's verification key)")


COMMANDS = [audit_cmd]
