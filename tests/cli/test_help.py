"""Command-line conventions: --version, -h, shell completion, and help for every option."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from explorer.cli import app


def _commands():
    group = typer.main.get_command(app)
    assert hasattr(group, "commands")
    yield "explorer", group
    for name, command in group.commands.items():
        yield name, command


def test_every_command_and_every_option_has_help():
    empty = []
    for name, command in _commands():
        if not (command.help or "").strip():
            empty.append(f"{name} (the command)")
        for param in command.params:
            if not (getattr(param, "help", None) or "").strip():
                empty.append(f"{name} {param.opts[0] if param.opts else param.name}")
    assert not empty, f"no help text: {', '.join(empty)}"
    assert {"check", "compare", "explore", "report", "show"} <= set(dict(_commands()))


def test_version_names_explorer_z3_and_python():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["explorer", "z3", "Python"]


def test_dash_h_is_help_everywhere():
    for args in (["-h"], ["check", "-h"], ["show", "-h"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0 and "Usage:" in result.output, args


def test_shell_completion_is_offered():
    result = CliRunner().invoke(app, ["--help"])
    assert "--install-completion" in result.output and "--show-completion" in result.output
