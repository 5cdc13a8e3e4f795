"""Sweeps: ``-P name=v1,v2`` as a grid of instances; and the same jobs on Ray."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from typer.testing import CliRunner

from explorer.app.run import RunOptions, check_specs
from explorer.app.specs import UsageError
from explorer.app.sweeps import grid, instance_label, load_instances, swept
from explorer.cli import app

SPEC = "tests/golden/preemption_only/v4.15.kp"


def test_the_grid_of_swept_values():
    assert grid({"cpus": "1,2", "other_tasks": "1,2", "vcpu_sleep": "false"}) == [
        {"cpus": "1", "other_tasks": "1", "vcpu_sleep": "false"},
        {"cpus": "1", "other_tasks": "2", "vcpu_sleep": "false"},
        {"cpus": "2", "other_tasks": "1", "vcpu_sleep": "false"},
        {"cpus": "2", "other_tasks": "2", "vcpu_sleep": "false"},
    ]
    assert grid({}) == [{}]
    assert swept({"cpus": "1,2", "x": "3", "y": "4,4"}) == ["cpus"]
    assert instance_label("v4.15", {"cpus": "2", "x": "3"}, ["cpus"]) == "v4.15 cpus=2"
    with pytest.raises(UsageError):
        grid({"cpus": "1,,2"})


def test_instances_are_loaded_with_their_values_and_named_after_them(monkeypatch):
    monkeypatch.chdir(__import__("pathlib").Path(__file__).parents[2])
    specs = load_instances([SPEC], {"cpus": "1,2", "vcpu_sleep": "false"})
    assert [s.variant for s in specs] == ["v4.15 cpus=1", "v4.15 cpus=2"]
    assert [dict((n, v) for n, v, _ in s.params)["cpus"] for s in specs] == ["1", "2"]
    run = check_specs([(s, "wanpeng") for s in specs], RunOptions(engine="explicit", jobs=2, vacuity=False))
    assert [v.variant for v in run.verdicts] == ["v4.15 cpus=1", "v4.15 cpus=2"]
    assert [v.name for v in run.verdicts] == ["violated", "violated"]  # cpus=2 switches to idle too


def test_ray_not_installed_is_a_clear_usage_error(monkeypatch):
    monkeypatch.chdir(__import__("pathlib").Path(__file__).parents[2])
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails
    result = CliRunner().invoke(app, ["check", SPEC, "-e", "explicit", "-p", "wanpeng", "--no-vacuity",
                                      "--ray", "local"])
    assert result.exit_code == 2
    assert "pip install 'explorer[distributed]'" in result.output


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray not installed (explorer[distributed])")
def test_the_same_jobs_on_a_local_ray_instance_give_the_same_verdicts(monkeypatch):
    monkeypatch.chdir(__import__("pathlib").Path(__file__).parents[2])
    specs = load_instances([SPEC], {"cpus": "1,2"})
    selection = [(s, p) for s in specs for p in ("wanpeng", "no_loss")]
    local = check_specs(selection, RunOptions(engine="explicit", jobs=2))
    remote = check_specs(selection, RunOptions(engine="explicit", jobs=2, ray="local"))

    def plain(run):
        return [(v.variant, v.property, v.name, v.depth, v.outcome.trace.steps if v.depth else None,
                 v.warnings) for v in run.verdicts], [c.notes for c in run.specs]

    assert plain(local) == plain(remote)
