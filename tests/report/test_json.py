"""``--json`` output: kind explorer.check, schema version 3, deterministic key order."""

import json

from support.report_fixtures import ALL_V415, HOLDS, PROVED_KIND, PROVED_PDR, REACHED, UNKNOWN, WANPENG

from explorer.report.json_out import result_dict, results_dict, results_json

RESULT_KEYS = ["spec", "variant", "property", "kind", "verdict", "bound", "depth", "engine",
               "time_s", "trace", "start_owners", "no_return", "no_return_note", "certificate",
               "warnings"]
STEP_KEYS = ["step", "cpu", "context", "chain", "statement", "location", "citation", "changes",
             "violation", "owners", "notes"]


def test_top_level_and_key_order():
    d = results_dict(ALL_V415)
    assert list(d) == ["kind", "version", "results", "warnings"]
    assert d["kind"] == "explorer.check" and d["version"] == 3
    assert [r["property"] for r in d["results"]] == [v.property for v in ALL_V415]
    for r in d["results"]:
        assert list(r) == RESULT_KEYS


def test_violated_with_trace():
    r = result_dict(WANPENG)
    assert r["verdict"] == "violated" and r["depth"] == 5 and r["bound"] == 20
    assert r["kind"] == "invariant" and r["engine"] == "bmc" and r["time_s"] == 0.421
    assert r["certificate"] is None and r["warnings"] == []
    assert len(r["trace"]) == 5
    first, last = r["trace"][0], r["trace"][-1]
    assert list(first) == STEP_KEYS
    assert first["step"] == 1 and first["cpu"] == "cpu0" and first["context"] == "vcpu"
    assert first["chain"] == ["kvm_arch_vcpu_ioctl_run", "kvm_load_guest_fpu"]
    assert first["changes"] == [{"var": "preempt_count", "from": 0, "to": 1}]
    assert first["location"] == "specs/kvm_fpu/v4.15.kp:12:5"
    assert first["citation"] == "arch/x86/kvm/x86.c" and first["violation"] is None
    assert last["violation"] == "regs == guest" and last["changes"] == []


def test_other_verdicts():
    assert result_dict(REACHED)["verdict"] == "reached" and result_dict(REACHED)["trace"]
    h = result_dict(HOLDS)
    assert h["verdict"] == "holds" and h["depth"] is None and h["trace"] == []
    p = result_dict(PROVED_PDR)
    assert p["verdict"] == "proved"
    assert p["certificate"] == {"method": "pdr", "kind": "invariant", "text": PROVED_PDR.outcome.certificate.text,
                                "k": None, "checked": True}
    assert p["warnings"] == ["action vcpu_9 is never enabled"]
    assert result_dict(PROVED_KIND)["certificate"]["k"] == 4
    u = result_dict(UNKNOWN)
    assert u["verdict"] == "unknown" and u["warnings"] == ["unknown: timeout after 5 s"]


def test_text_round_trips_and_is_deterministic():
    text = results_json(ALL_V415)
    assert text.endswith("\n") and "→" not in text  # changes are structured, not arrows
    assert json.loads(text) == results_dict(ALL_V415)
    assert text == results_json(ALL_V415)
    assert json.loads(results_json([], indent=None)) == {"kind": "explorer.check", "version": 3,
                                                       "results": [], "warnings": []}
