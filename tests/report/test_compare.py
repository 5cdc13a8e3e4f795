"""The compare matrix: variants as columns, properties as rows."""

import json

from support.report_fixtures import (
    ALL_V415,
    BASE_HOLDS,
    BASE_WANPENG,
    HOLDS,
    PROVED_PDR,
    REACHED,
    UNKNOWN,
    UNREACHABLE,
    UNREACHED,
    WANPENG,
)

from explorer.report.phrases import matrix_cell
from explorer.report.table import compare_dict, compare_json, compare_table

VERDICTS = (BASE_WANPENG, BASE_HOLDS, *ALL_V415)


def test_cells():
    assert matrix_cell(WANPENG) == "✗ depth 5"
    assert matrix_cell(PROVED_PDR) == "✓ proved"
    assert matrix_cell(HOLDS) == "✓ ≤ 20"
    assert matrix_cell(UNKNOWN) == "? unknown"
    assert matrix_cell(REACHED) == "✓ reached at 4"
    assert matrix_cell(UNREACHED) == "✗ unreached ≤ 20"
    assert matrix_cell(UNREACHABLE) == "✗ unreachable"
    assert matrix_cell(WANPENG, with_time=True) == "✗ depth 5 (0.42 s)"
    assert matrix_cell(None) == ""


def test_github_matrix():
    text = compare_table(VERDICTS)
    lines = text.splitlines()
    assert [c.strip() for c in lines[0].strip("|").split("|")] == ["property", "v4.14", "v4.15"]
    wanpeng = [c.strip() for c in lines[2].strip("|").split("|")]
    assert wanpeng == ["wanpeng", "✓ proved", "✗ depth 5"]
    reached = next(l for l in lines if "preempted_with_guest" in l)
    assert [c.strip() for c in reached.strip("|").split("|")] == ["preempted_with_guest", "", "✓ reached at 4"]
    assert len(lines) == 2 + len(ALL_V415)


def test_variant_order_and_time():
    text = compare_table(VERDICTS, variants=["v4.15", "v4.14"], with_time=True)
    assert text.splitlines()[0].index("v4.15") < text.splitlines()[0].index("v4.14")
    assert "✗ depth 5 (0.42 s)" in text


def test_other_formats():
    latex = compare_table(VERDICTS, tablefmt="latex")
    assert "\\begin{tabular}" in latex and "wanpeng" in latex
    html = compare_table(VERDICTS, tablefmt="html")
    assert html.startswith("<table>") and "✗ depth 5" in html
    assert "wanpeng" in compare_table(VERDICTS, tablefmt="plain")


def test_json_form():
    d = compare_dict(VERDICTS)
    assert d["version"] == 1 and d["variants"] == ["v4.14", "v4.15"]
    assert d["properties"][:2] == ["wanpeng", "scratch_never_leaks"]
    row = d["rows"][0]
    assert row["property"] == "wanpeng"
    assert row["cells"]["v4.14"]["verdict"] == "proved" and row["cells"]["v4.14"]["status"] == "ok"
    assert row["cells"]["v4.15"] == {"verdict": "violated", "status": "fail", "depth": 5, "bound": 20,
                                     "engine": "bmc", "time_s": 0.421, "text": "✗ depth 5"}
    reach_row = next(r for r in d["rows"] if r["property"] == "preempted_with_guest")
    assert reach_row["cells"]["v4.14"] is None
    assert json.loads(compare_json(VERDICTS)) == d
