"""``explorer report --format txt``: a plain-text report in 80 columns (golden)."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from explorer.cli import app

ROOT = Path(__file__).parents[2]
EXPECT = ROOT / "tests" / "golden" / "report_txt" / "v4.15.txt"


def test_plain_text_report_fits_80_columns_and_matches_its_golden(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["report", "tests/golden/preemption_only/v4.15.kp", "-e", "explicit",
                                      "-j", "1", "--out", str(tmp_path), "--format", "txt", "--no-timings"])
    assert result.exit_code == 12, result.output
    text = (tmp_path / "v4.15.txt").read_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "\x1b[" not in text
    # the command line names the --out folder, which differs from run to run
    body = text[:text.index("reproduce with:")]
    if os.environ.get("EXPLORER_UPDATE_GOLDEN"):
        EXPECT.write_text(body)
    assert body == EXPECT.read_text()
    assert "explorer report tests/golden/preemption_only/v4.15.kp --out" in text.replace("\n      ", " ")
