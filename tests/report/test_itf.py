"""ITF traces and their atomic writing."""

import json
import os
from dataclasses import replace

import pytest
from support.report_fixtures import HOLDS, PROVED_PDR, REACHED, WANPENG, WANPENG_TRACE

from explorer.report import files, itf


def test_wanpeng_itf_structure():
    obj = itf.verdict_itf(WANPENG, "preemption only")
    meta = obj["#meta"]
    assert meta["format"] == "ITF"
    assert meta["format-description"] == "https://apalache-mc.org/docs/adr/015adr-trace.html"
    assert meta["source"] == "specs/kvm_fpu/v4.15.kp" and meta["description"] == "preemption only"
    assert obj["vars"] == ["regs", "preempt_count", "user_fpu", "fpu", "in_kernel_fpu", "pc_vcpu"]
    assert meta["varTypes"] == {
        "regs": "Str -> Str", "preempt_count": "Int", "user_fpu": "Str", "fpu": "Str -> Str",
        "in_kernel_fpu": "Bool", "pc_vcpu": "Int",
    }
    states = obj["states"]
    assert len(states) == len(WANPENG_TRACE.states) == 5
    assert states[0]["#meta"] == {"index": 0}
    assert states[0]["regs"] == {"#map": [["cpu0", "qemu"], ["cpu1", "other"]]}
    assert states[0]["preempt_count"] == 0 and states[0]["in_kernel_fpu"] is False
    assert states[3]["regs"] == {"#map": [["cpu0", "guest"], ["cpu1", "other"]]}
    m = states[1]["#meta"]
    assert m["index"] == 1 and m["action"] == "vcpu_1" and m["cpu"] == "cpu0" and m["context"] == "vcpu"
    assert m["chain"] == ["kvm_arch_vcpu_ioctl_run", "kvm_load_guest_fpu"]
    assert m["statement"] == "preempt_disable()" and m["location"] == "specs/kvm_fpu/v4.15.kp:12:5"
    # The violating step 5 is not applied: it is recorded in the top-level meta.
    v = meta["violation"]
    assert v["index"] == 5 and v["action"] == "sched_1" and v["violation"] == "regs == guest"
    assert v["chain"] == ["context_switch", "__switch_to", "switch_fpu_prepare"]
    assert meta["property"] == "wanpeng" and meta["verdict"] == "violated"


def test_applied_final_step_carries_its_violation():
    obj = itf.verdict_itf(REACHED)
    assert "violation" not in obj["#meta"]
    assert len(obj["states"]) == 5
    assert obj["states"][4]["#meta"]["violation"] == "preempted_with_guest"
    assert obj["states"][4]["fpu"] == {"#map": [["vcpu", "guest"], ["other", "other"]]}


def test_hidden_elements_can_be_dropped():
    obj = itf.verdict_itf(WANPENG, include_hidden=False)
    assert "pc_vcpu" not in obj["vars"] and "pc_vcpu" not in obj["states"][0]


def test_no_itf_without_trace():
    assert itf.verdict_itf(HOLDS) is None and itf.verdict_itf(PROVED_PDR) is None


def test_safe_names():
    assert itf.itf_filename(WANPENG) == "v4.15.wanpeng.itf.json"
    bad = replace(WANPENG, variant="../../etc/x y", property="a/b\\c")
    name = itf.itf_filename(bad)
    assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")
    assert files.safe_name("") == "_" and files.safe_name("...") == "_"


def test_write_itf(tmp_path):
    out = tmp_path / "traces"
    clash = replace(WANPENG, property="wan/peng"), replace(WANPENG, property="wan:peng")
    paths = itf.write_itf([WANPENG, HOLDS, REACHED, *clash], out, "cpus=2")
    assert [p.name for p in paths] == [
        "v4.15.wanpeng.itf.json", "v4.15.preempted_with_guest.itf.json",
        "v4.15.wan_peng.itf.json", "v4.15.wan_peng-2.itf.json",
    ]
    assert sorted(os.listdir(out)) == sorted(p.name for p in paths)  # no temp files left
    loaded = json.loads(paths[0].read_text(encoding="utf-8"))
    assert loaded == itf.verdict_itf(WANPENG, "cpus=2")
    mask = os.umask(0o022)
    os.umask(mask)
    assert paths[0].stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


def test_write_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "v4.15.wanpeng.itf.json"
    target.write_text("old", encoding="utf-8")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        itf.write_itf([WANPENG], tmp_path)
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == [target.name]
