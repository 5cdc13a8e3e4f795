"""``check --sarif``: SARIF 2.1.0, one result per failing property, its counterexample a
code flow with one thread flow per CPU and context, locations at spec lines."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from support.report_fixtures import ALL_V415, WANPENG

from explorer.cli import app
from explorer.report.sarif import sarif_dict

SUBSET = json.loads((Path(__file__).parent / "sarif-2.1.0-subset.schema.json").read_text())


def test_one_result_per_failing_property_with_its_code_flow():
    log = sarif_dict(ALL_V415, "0.1.0")
    jsonschema.Draft202012Validator(SUBSET).validate(log)
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "explorer"
    failing = [v for v in ALL_V415 if v.failed]
    assert [r["ruleId"] for r in run["results"]] == [v.property for v in failing]
    result = next(r for r in run["results"] if r["ruleId"] == WANPENG.property)
    rules = run["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == WANPENG.property
    steps = WANPENG.outcome.trace.steps
    (flow,) = result["codeFlows"]
    contexts = {f"{s.cpu or '-'}/{s.context}" for s in steps}
    assert {t["id"] for t in flow["threadFlows"]} == contexts
    orders = sorted(loc["executionOrder"] for t in flow["threadFlows"] for loc in t["locations"])
    assert orders == list(range(1, len(steps) + 1))
    where = result["locations"][0]["physicalLocation"]
    path, line, column = steps[-1].location.rsplit(":", 2)
    assert where == {"artifactLocation": {"uri": path}, "region": {"startLine": int(line), "startColumn": int(column)}}


def test_check_writes_a_sarif_file(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).parents[2])
    target = tmp_path / "out.sarif"
    result = CliRunner().invoke(app, ["check", "tests/golden/preemption_only/v4.15.kp", "-e", "explicit", "-j", "1",
                                      "--no-vacuity", "-p", "wanpeng", "-p", "no_loss", "--sarif", str(target), "-q"])
    assert result.exit_code == 12
    log = json.loads(target.read_text())
    jsonschema.Draft202012Validator(SUBSET).validate(log)
    (only,) = log["runs"][0]["results"]
    assert only["ruleId"] == "wanpeng" and only["level"] == "error"
    flows = only["codeFlows"][0]["threadFlows"]
    assert [f["id"] for f in flows] == ["cpu0/vcpu", "cpu0/sched"]
    last = flows[-1]["locations"][-1]["location"]["physicalLocation"]
    assert last["artifactLocation"]["uri"] == "specs/kvm_fpu/fpu_eager.kp" and last["region"]["startLine"] > 0
