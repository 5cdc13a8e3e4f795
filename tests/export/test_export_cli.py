"""``explorer export``: files written, usage errors with exit 2, a missing peer named."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from explorer.cli import app

ROOT = Path(__file__).parents[2]
MINI = str(ROOT / "tests/specs/mini.kp")


def test_export_writes_promela_aiger_and_vmt(tmp_path):
    runner = CliRunner()
    for fmt, header in (("promela", b"/* "), ("aiger", b"aig "), ("smt2", b"; mini")):
        out = tmp_path / f"m.{fmt}"
        result = runner.invoke(app, ["export", MINI, "--format", fmt, "-o", str(out), "-P", "cpus=1"])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(header)


def test_unknown_format_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(app, ["export", MINI, "--format", "smt3", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_missing_spin_is_exit_2_naming_the_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = CliRunner().invoke(app, ["check", MINI, "--engine", "spin"])
    assert result.exit_code == 2
    assert "Debian package spin" in result.output
