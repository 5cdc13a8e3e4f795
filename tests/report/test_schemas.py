"""Every JSON document explorer writes has a ``kind`` and a ``version`` and follows its
JSON Schema in ``docs/schemas/`` (checked with jsonschema)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from support.report_fixtures import ALL_V415, WANPENG

from explorer.cli import app
from explorer.report.itf import verdict_itf
from explorer.report.json_out import results_dict
from explorer.report.table import compare_dict

ROOT = Path(__file__).parents[2]
SCHEMAS = ROOT / "docs" / "schemas"


def validate(document: dict, name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def test_every_schema_is_a_valid_schema_with_its_kind():
    names = sorted(p.name for p in SCHEMAS.glob("*.schema.json"))
    assert names == ["check.schema.json", "compare.schema.json", "explore.schema.json",
                     "report.schema.json", "trace.schema.json"]
    for path in SCHEMAS.glob("*.schema.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_library_documents_follow_their_schemas():
    notes = [("v4.15", "step never reached: specs/kvm_fpu/v4.14.kp:102:5 (schedule())")]
    check = results_dict(ALL_V415, notes=notes)
    assert (check["kind"], check["version"]) == ("explorer.check", 3)
    validate(check, "check")
    assert check["warnings"][-1] == {"file": "specs/kvm_fpu/v4.14.kp", "line": 102, "column": 5,
                                     "property": None, "message": "step never reached: schedule()",
                                     "variants": ["v4.15"]}
    compare = compare_dict(ALL_V415)
    assert compare["kind"] == "explorer.compare"
    validate(compare, "compare")


def test_changes_are_typed_as_in_itf():
    step = results_dict([WANPENG])["results"][0]["trace"][0]
    assert step["changes"] == [{"var": "preempt_count", "from": 0, "to": 1}]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    spec = "tests/golden/preemption_only/v4.15.kp"
    runner = CliRunner()
    check = runner.invoke(app, ["check", spec, "-e", "explicit", "-j", "1", "--json",
                                "--itf", str(out / "itf"), "-p", "wanpeng", "-p", "no_loss"])
    compare = runner.invoke(app, ["compare", spec, "-e", "explicit", "-j", "1", "--json", "-p", "wanpeng"])
    explore = runner.invoke(app, ["explore", spec, "--json"])
    report = runner.invoke(app, ["report", spec, "-e", "explicit", "-j", "1", "--out", str(out / "r"),
                                 "--format", "json", "--no-timings"])
    return out, check, compare, explore, report


def test_command_outputs_follow_their_schemas(run, monkeypatch):
    out, check, compare, explore, report = run
    assert check.exit_code == 12 and compare.exit_code == 12 and explore.exit_code == 0
    document = json.loads(check.output)
    validate(document, "check")
    assert document["warnings"], "the spec's vacuity notes are in the JSON"
    assert all(isinstance(c["from"], (int, bool, str)) for r in document["results"]
               for s in r["trace"] for c in s["changes"])
    validate(json.loads(compare.output), "compare")
    validate(json.loads(explore.output), "explore")
    assert report.exit_code == 12, report.output
    (written,) = (out / "r").glob("*.json")
    validate(json.loads(written.read_text()), "report")
    for trace in (out / "itf").glob("*.itf.json"):
        validate(json.loads(trace.read_text()), "trace")


def test_an_itf_trace_follows_its_schema():
    document = verdict_itf(WANPENG, "preemption only")
    assert (document["#meta"]["kind"], document["#meta"]["version"]) == ("explorer.trace", 1)
    validate(document, "trace")
