"""``explorer report`` and its inputs (explorer.app.report_inputs): model summaries from a spec,
flips against the base variant, the compare matrix, byte-identical output with
--no-timings, self-contained HTML with one sequence chart per counterexample."""

from __future__ import annotations

import json
import os
import platform
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from explorer.app import report_inputs as reporting
from explorer.app.jobs import Job, run_job
from explorer.app.pool import run_tasks
from explorer.app.run import CheckedSpec, failed_verdict
from explorer.cli import app
from explorer.lang import load_spec

BASE = """\
// specs/base.kp: a toy kernel before the patch: the guest FPU is loaded with preemption on
enum Data { garbage, qemu, guest, other }
param softirq_fpu: bool = false
param fixed_layout: bool = true
percpu var regs: Data = current.data
task var data: Data = garbage
task var fpu: Data = garbage
var guest_fpu: Data = guest
var user_fpu: Data = garbage

fn copy_fpregs_to_fpstate(dst: &Data) { dst = regs }   // XSAVE
fn copy_kernel_to_fpregs(src: Data) { regs = src }     // XRSTOR

fn switch_fpu_prepare(prev: Task) { copy_fpregs_to_fpstate(prev.fpu) }
fn switch_fpu_finish(next: Task) { copy_kernel_to_fpregs(next.fpu) }
fn context_switch(prev: Task, next: Task) {
    switch_fpu_prepare(prev)
    switch_fpu_finish(next)
}
fn kvm_load_guest_fpu() {
    copy_fpregs_to_fpstate(user_fpu)      // save QEMU's FPU
    copy_kernel_to_fpregs(guest_fpu)
}
fn kvm_put_guest_fpu() {
    copy_fpregs_to_fpstate(guest_fpu)
    copy_kernel_to_fpregs(user_fpu)
}
fn kvm_arch_vcpu_ioctl_run() {
    kvm_load_guest_fpu()
    assert integrity: regs == guest   // VM entry
    kvm_put_guest_fpu()
}
thread vcpu with data = qemu {
    loop {
        user { assert integrity: regs == qemu }
        kvm_arch_vcpu_ioctl_run()
    }
}
thread bash with data = other, fpu = other {
    loop { user { assert integrity: regs == other } }
}
property integrity "consumers find their own data"
property wanpeng "guest registers are never saved into the vCPU task's buffer": never copy_fpregs_to_fpstate(dst) when dst is vcpu.fpu && regs == guest
"""

FIXED = """\
// specs/fixed.kp: the patch: load and put the guest FPU with preemption off
extends "base.kp"

fn kvm_arch_vcpu_ioctl_run() {
    preempt_disable()
    kvm_load_guest_fpu()
    assert integrity: regs == guest   // VM entry
    kvm_put_guest_fpu()
    preempt_enable()
    helper()
}
fn helper() { }
"""

runner = CliRunner()


APP = app


@pytest.fixture
def specs(tmp_path, monkeypatch):
    folder = tmp_path / "specs"
    folder.mkdir()
    (folder / "base.kp").write_text(BASE)
    (folder / "fixed.kp").write_text(FIXED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _invoke(*args: str):
    return runner.invoke(APP, ["report", *args], catch_exceptions=False)


# --------------------------------------------------------------------------- summary


def test_model_summary_from_spec(specs):
    spec = load_spec("specs/base.kp")
    summary = reporting.model_summary(spec)
    sorts = {v.name: (v.sort, v.scope) for v in summary.state_variables}
    assert sorts["regs"] == ("Cpu -> Data", "per-CPU")
    assert sorts["fpu"] == ("Task -> Data", "per-task")
    assert sorts["guest_fpu"] == ("Data", "global")
    assert sorts["current"] == ("Cpu -> Task", "per-CPU")
    assert sorts["preempt_count"][1] == "per-task"
    assert not any(v.name.endswith(".pc") or v.name.startswith("sched_") for v in summary.state_variables)
    assert summary.actions == len(spec.model.actions) > 0
    assert summary.elements == len(spec.model.elements)
    params = dict(summary.parameters)
    assert params["softirq_fpu"] == "false" and params["preemption"] == "true" and params["cpus"] == "1"
    # On: preemption; off: softirq_fpu; not a source: fixed_layout; migration means nothing on one CPU.
    assert summary.interleavings == ("preemption",)


def test_interleavings_follow_parameters(specs):
    spec = load_spec("specs/base.kp", {"softirq_fpu": "true", "cpus": "2", "preemption": "false"})
    assert reporting.model_summary(spec).interleavings == ("2 CPUs", "migration", "softirq_fpu")
    assert reporting.interleavings([("own_kernel_fpu", "true"), ("vcpu_sleep", "true"),
                                    ("other_tasks", "1"), ("verbose", "true")]) == ("own_kernel_fpu", "vcpu_sleep")


def test_description_replaced_added_and_base(specs):
    fixed = load_spec("specs/fixed.kp")
    data = reporting.report_input(fixed, (), timings=False)
    assert data.description == "the patch: load and put the guest FPU with preemption off"
    assert data.base == "base" and data.base_spec == "specs/base.kp"
    assert data.replaces == ("kvm_arch_vcpu_ioctl_run()",)
    assert data.adds == ("helper()",)
    assert data.settings == "default parameters"
    r = data.reproducibility
    assert r.platform == "" and r.python_version.count(".") == 1
    assert [p for p, _ in r.spec_hashes] == ["specs/base.kp", "specs/fixed.kp"]
    assert r.z3_version and r.explorer_version
    base = reporting.report_input(load_spec("specs/base.kp"), ())
    assert base.base is None and base.replaces == () and base.adds == ()


def _checked(path: str) -> CheckedSpec:
    spec = load_spec(path)
    verdicts = tuple(run_job(Job(path, (), p.name, "explicit", 12, None)) for p in spec.model.properties)
    return CheckedSpec(spec, verdicts)


def test_flips_against_base_checked_or_not(specs):
    base, fixed = _checked("specs/base.kp"), _checked("specs/fixed.kp")
    files = reporting.report_files([base, fixed], formats=("json",), matrix="toy.md", timings=False)
    assert list(files) == ["base.json", "fixed.json", "toy.md"]
    flips = json.loads(files["fixed.json"])["report"]["flips"]
    assert flips == [{"property": "wanpeng", "base": "✗ depth 4", "variant": "✓ proved"}]
    assert json.loads(files["base.json"])["report"]["flips"] == []
    # The base given only to find flips: same flips, no report of its own.
    alone = reporting.report_files([fixed], bases=[base], formats=("md",), timings=False)
    assert list(alone) == ["fixed.md"]
    assert "## Flipped against base" in alone["fixed.md"]
    matrix = files["toy.md"]
    assert re.search(r"\| `wanpeng` +\| ✗ depth 4 +\| \*\*✓ proved\*\* +\|", matrix), matrix
    assert "(base.json)" in matrix and "fixed against base: `wanpeng` ✗ depth 4 → ✓ proved" in matrix


# --------------------------------------------------------------------------- the command


def _read_all(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("engine", ["explicit", "auto"])
def test_report_command_is_deterministic_without_timings(specs, engine):
    args = ["specs/base.kp", "specs/fixed.kp", "--out", "out", "--matrix", "toy.md",
            "--no-timings", "--engine", engine, "--jobs", "4"]
    first = _invoke(*args)
    assert first.exit_code == 12, first.output  # base violates wanpeng
    out = specs / "out"
    files = _read_all(out)
    assert sorted(files) == ["base.html", "base.json", "base.md", "fixed.html", "fixed.json",
                             "fixed.md", "toy.md"]
    second = _invoke(*args[:-1], "1")  # another number of jobs: the same files
    assert second.exit_code == 12
    assert _read_all(out) == files
    machine = platform.machine()
    for name, data in files.items():
        text = data.decode()
        assert str(specs) not in text, name
        assert "time (s)" not in text and not re.search(r"\d\.\d\d s\b", text), name
        if machine:
            assert machine not in text, name
        assert '"time_s": null' in text or not name.endswith(".json")
    matrix = files["toy.md"].decode()
    engine_flag = "" if engine == "auto" else f" --engine {engine}"
    assert (f"explorer report specs/base.kp specs/fixed.kp --out out --bound 20{engine_flag} "
            "--matrix toy.md --no-timings") in matrix
    assert "[base](base.md)" in matrix and "✓ proved" in matrix and "✗ depth 4" in matrix
    assert "## Legend" in matrix or "Legend:" in matrix


def test_report_with_timings_shows_times(specs):
    result = _invoke("specs/fixed.kp", "--out", "out", "--format", "md", "--engine", "explicit")
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(specs / "out")) == ["fixed.md"]  # the base is checked, not reported
    text = (specs / "out" / "fixed.md").read_text()
    assert "time (s)" in text and "platform" in text
    assert "## Flipped against base" in text


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("href", "src", "xlink:href")]


def test_html_is_self_contained_with_a_chart_per_counterexample(specs):
    result = _invoke("specs/base.kp", "--out", "out", "--format", "html,json", "--no-timings",
                     "--engine", "explicit")
    assert result.exit_code == 12
    html = (specs / "out" / "base.html").read_text()
    data = json.loads((specs / "out" / "base.json").read_text())
    traces = [r for r in data["results"] if r["trace"]]
    assert traces, "the base variant has a counterexample"
    parser = _Tags()
    parser.feed(html)
    assert parser.tags.count("svg") == len(traces)
    assert not {"script", "link", "img", "iframe"} & set(parser.tags)
    assert all(ref.startswith("#") for ref in parser.refs), parser.refs
    assert "http://" not in html.lower().replace("http://www.w3.org/2000/svg", "")


def test_usage_and_spec_errors(specs):
    assert _invoke("specs/base.kp", "--out", "out", "--format", "pdf").exit_code == 2
    assert _invoke("specs/base.kp", "--out", "out", "--matrix", "sub/x.md").exit_code == 2
    assert _invoke("specs/base.kp", "--out", "out", "--engine", "magic").exit_code == 2
    assert _invoke("specs/base.kp", "--out", "out", "--param", "nonsense").exit_code == 2
    (specs / "specs" / "broken.kp").write_text("var x: Nope = 1\n")
    result = _invoke("specs/broken.kp", "--out", "out")
    assert result.exit_code == 150
    assert not (specs / "out").exists()


def test_command_line_is_canonical():
    line = reporting.command_line(["specs/a b.kp"], [("--out", "results"), ("--param", ["x=1", "y=2"]),
                                                     ("--no-timings", True), ("--seed", None)])
    assert line == "explorer report 'specs/a b.kp' --out results --param x=1 --param y=2 --no-timings"


def test_a_crashing_engine_gives_an_unknown_verdict(specs):
    spec = load_spec("specs/base.kp")
    jobs = [Job("specs/base.kp", (), "wanpeng", "no-such-engine", 5, None),
            Job("specs/base.kp", (), "wanpeng", "explicit", 5, None)]
    verdicts = run_tasks(jobs, 2, lambda job, err: failed_verdict(spec, job, err))
    assert verdicts[0].name == "unknown" and "internal error: KeyError" in verdicts[0].outcome.reason
    assert verdicts[1].name == "violated" and verdicts[1].depth == 4
    # one error policy: a job run in this process (a single job) is treated alike
    alone = run_tasks(jobs[:1], 1, lambda job, err: failed_verdict(spec, job, err))
    assert alone[0].name == "unknown" and "internal error: KeyError" in alone[0].outcome.reason
