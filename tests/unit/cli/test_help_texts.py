"""Every command and option of `zkt` says what it is for in --help."""

from __future__ import annotations

from collections.abc import Iterator

import click

from toolchain.cli.main import cli


def _commands(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, f"{path} {name}")


def test_every_command_and_option_has_help() -> None:
    lacking = [
        f"{path} {'/'.join(param.opts)}" if isinstance(param, click.Option) else path
        for path, command in _commands(cli, "zkt")
        for param in [None, *command.params]
        if (param is None and not (command.help or command.short_help))
        or (isinstance(param, click.Option) and not param.help)
    ]
    assert lacking == []
