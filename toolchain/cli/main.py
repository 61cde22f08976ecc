"""The `zkt` root group (--project, --version) and `main`: error families to exit codes."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

import toolchain.cli.participant  # noqa: F401  (adds join, upload, verify-* to ceremony)
from toolchain import __version__
from toolchain.cli import artifacts, audit, ceremony, init, prove, ptau, tools, zkey
from toolchain.cli import compile as compiling
from toolchain.cli import coordinator as _coordinator  # noqa: F401  (ceremony serve, invite)
from toolchain.cli import serve as serving
from toolchain.errors import ZktError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkt")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project root (default: $ZKT_PROJECT or the nearest parent with circuits/circuits.toml).",
)
@click.pass_context
def cli(ctx: click.Context, project: Path | None) -> None:
    """zk-toolchain: circom templates to hash-locked Groth16 artifacts and proofs.

    Circuits are listed in circuits/circuits.toml and rendered from templates/*.circom.j2.
    Set ZKT_DEBUG=1 to see tracebacks.
    """
    ctx.ensure_object(dict)
    ctx.obj["project"] = project


for verbs in (init, compiling, prove, ptau, ceremony, zkey, artifacts, audit, tools, serving):
    for command in verbs.COMMANDS:
        cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """The CLI on `argv` (None: the command line): errors become one line and an exit code."""
    try:
        cli.main(args=argv, prog_name="zkt", standalone_mode=False)
    except ZktError as exc:
        if os.environ.get("ZKT_DEBUG"):
            raise
        click.echo(f"zkt: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a missing or unreadable file named on the command line
        if os.environ.get("ZKT_DEBUG"):
            raise
        click.echo(f"zkt: error: {exc.filename or ''}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("zkt: aborted", err=True)
        sys.exit(130)
    except click.exceptions.NoArgsIsHelpError as exc:  # `zkt` or `zkt ptau` alone: the help
        exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"zkt: error: {_one_line(exc)}", err=True)
        sys.exit(exc.exit_code)


def run() -> None:
    """`main` as a whole process: the `zkt` console script and `python -m toolchain`.

    When it ends, every object is frozen out of the garbage collector: the interpreter's exit
    would otherwise sweep them all once more (~40 ms after a proof) only to free memory the
    process gives back anyway. Cyclic garbage left then is not finalized: what a command
    writes is closed (and fsynced) before it returns, and atexit handlers still run."""
    try:
        main()
    finally:
        gc.freeze()


def _one_line(exc: click.ClickException) -> str:
    """Click's message on one line; a usage error ends with where to read the usage."""
    message = " ".join(exc.format_message().split())
    if not isinstance(exc, click.UsageError):
        return message
    command = exc.ctx.command_path if exc.ctx else "zkt"
    return f"{message} (see {command} --help)"
