"""``remove var x`` / ``remove fn f`` in a variant: a patch that deletes a field or a function
reads as one, and a use that is left is an error at the use."""

from __future__ import annotations

import pytest

from explorer.app import report_inputs
from explorer.lang import SpecError, load_spec
from explorer.lang import ast
from explorer.lang.parser import parse
from explorer.report.markdown import render_markdown

BASE = """
enum Data { garbage, qemu, guest }
var user_fpu: Data = garbage                 // vcpu->arch.user_fpu
task var fpu: Data = garbage
fn kvm_put_guest_fpu_hack() { user_fpu = qemu }
fn kvm_put_guest_fpu() { kvm_put_guest_fpu_hack() }
softirq crypto "a softirq" when true { skip }
thread t { loop { kvm_put_guest_fpu() } }
reach saved "QEMU saved": user_fpu == qemu
"""

PATCH = """extends "base.kp"
remove var user_fpu
remove fn kvm_put_guest_fpu_hack
remove reach saved
fn kvm_put_guest_fpu() { current.fpu = qemu }
"""


def _write(tmp_path, patch, base=BASE):
    (tmp_path / "base.kp").write_text(base)
    (tmp_path / "v.kp").write_text(patch)
    return str(tmp_path / "v.kp")


def test_parser_reads_removes():
    decls = parse("remove var user_fpu\nremove fn f\nremove softirq crypto\n", "f.kp")
    assert [(d.kind, d.name, d.key) for d in decls] == [
        ("var", "user_fpu", ("var", "user_fpu")), ("fn", "f", ("fn", "f")), ("softirq", "crypto", ("handler", "crypto"))]
    assert all(isinstance(d, ast.Remove) for d in decls)


def test_a_removed_variable_and_function_are_gone(tmp_path):
    spec = load_spec(_write(tmp_path, PATCH))
    names = [v.name for v in spec.model.variables]
    assert "user_fpu" not in names and "fpu" in names
    assert "saved" not in [p.name for p in spec.model.properties]
    assert spec.removed == ("var user_fpu", "fn kvm_put_guest_fpu_hack", "reach saved")
    assert spec.replaced == ("fn kvm_put_guest_fpu",)
    report = report_inputs.report_input(spec, (), timings=False)
    assert report.removes == ("var user_fpu", "kvm_put_guest_fpu_hack()", "reach saved")
    assert "removes" in render_markdown(report) and "`kvm_put_guest_fpu_hack()`" in render_markdown(report)


def test_a_variant_of_a_variant_keeps_the_removal(tmp_path):
    path = _write(tmp_path, PATCH)
    (tmp_path / "w.kp").write_text('extends "v.kp"\nremove softirq crypto\n')
    spec = load_spec(str(tmp_path / "w.kp"))
    assert "user_fpu" not in [v.name for v in spec.model.variables]
    assert not any(a.origin.context == "crypto" for a in spec.model.actions)
    assert load_spec(path).model.actions != spec.model.actions


@pytest.mark.parametrize("patch, message", [
    # the use that is left is named, with the remove
    ('extends "base.kp"\nremove var user_fpu\n',
     "base.kp:5:31: error: user_fpu is still used here, but the variant removes it (remove var user_fpu at"),
    ('extends "base.kp"\nremove fn kvm_put_guest_fpu_hack\n',
     "base.kp:6:26: error: kvm_put_guest_fpu_hack is still used here, but the variant removes it (remove fn"),
    ('extends "base.kp"\nremove var user_fpu\nremove fn kvm_put_guest_fpu_hack\n'
     'fn kvm_put_guest_fpu() { skip }\n',
     "base.kp:9:27: error: user_fpu is still used here, but the variant removes it"),
    ('extends "base.kp"\nremove var kernel_fpu\n', "v.kp:2:1: error: remove var kernel_fpu: the base has no var kernel_fpu"),
    ('extends "base.kp"\nremove hardirq crypto\n', "v.kp:2:1: error: remove hardirq crypto: the base has no hardirq crypto"),
    ('extends "base.kp"\nremove var user_fpu\nvar user_fpu: bool = false\n',
     "v.kp:2:1: error: user_fpu is both removed and declared again here"),
])
def test_bad_removes(tmp_path, patch, message):
    with pytest.raises(SpecError) as err:
        load_spec(_write(tmp_path, patch))
    assert message in str(err.value) and "^" in str(err.value)


def test_remove_needs_a_base(tmp_path):
    (tmp_path / "s.kp").write_text(BASE + "remove fn kvm_put_guest_fpu_hack\n")
    with pytest.raises(SpecError) as err:
        load_spec(str(tmp_path / "s.kp"))
    assert "s.kp:10:1: error: remove fn kvm_put_guest_fpu_hack: only a variant" in str(err.value)
