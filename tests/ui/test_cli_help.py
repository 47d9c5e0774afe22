"""Every command and option has help text (a command without it fails this test)."""

from __future__ import annotations

import click

from ui.cli import cli


def _walk(group: click.Group, prefix: str = "kb") -> list[tuple[str, click.Command]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None, f"{prefix} {name} is listed but cannot be loaded"
        out.append((f"{prefix} {name}", cmd))
        if isinstance(cmd, click.Group):
            out += _walk(cmd, f"{prefix} {name}")
    return out


def test_every_command_has_help() -> None:
    commands = _walk(cli)
    assert commands
    missing = [name for name, cmd in commands if not (cmd.help or "").strip()]
    assert missing == []


def test_every_option_has_help() -> None:
    missing = [
        f"{name} {param.name}"
        for name, cmd in _walk(cli)
        for param in cmd.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == []
