"""The process meets the outside: interrupts, signals, closed or full output, bad options.
Each case runs ``python -m explorer`` as a user would, and never shows a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LONG = ["check", "specs/kvm_fpu/v5.2.kp", "-p", "integrity", "-e", "bmc", "--bound", "60", "-j", "1",
        "--no-vacuity"]


def _start(args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "explorer", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            **kwargs)


def _run(args, **kwargs):
    return subprocess.run([sys.executable, "-m", "explorer", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=120, **kwargs)


def test_ctrl_c_ends_a_single_job_promptly_and_is_no_verdict():
    process = _start(LONG)
    time.sleep(4)  # well inside the search
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends
    start = time.monotonic()
    out, err = process.communicate(timeout=30)
    assert time.monotonic() - start < 5
    assert process.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert "unknown" not in out and "VIOLATED" not in out


def test_sigterm_during_a_report_leaves_no_half_written_file(tmp_path):
    out = tmp_path / "reports"
    process = _start(["report", "specs/kvm_fpu/v4.14.kp", "specs/kvm_fpu/v4.15.kp", "--out", str(out),
                      "--engine", "bmc", "-j", "2"])
    time.sleep(3)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143, err
    assert "Traceback" not in err
    leftovers = [p.name for p in out.glob("*")] if out.exists() else []
    assert not [name for name in leftovers if name.endswith(".tmp")], leftovers


def test_a_closed_or_full_output_is_a_message():
    closed = subprocess.run(f"{sys.executable} -m explorer check specs/kvm_fpu/v4.15.kp -p wanpeng "
                            "-e explicit --no-vacuity >&-", shell=True, cwd=ROOT, text=True,
                            capture_output=False, stderr=subprocess.PIPE, timeout=120)
    assert closed.returncode == 2 and "cannot write the output" in closed.stderr
    assert "Traceback" not in closed.stderr
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "explorer", "check", "specs/kvm_fpu/v4.15.kp",
                                 "-p", "wanpeng", "-e", "explicit", "--no-vacuity"], cwd=ROOT, text=True,
                                stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert result.returncode == 2 and "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, code, message", [
    (["check", "nosuch.kp"], 2, "no such spec file: nosuch.kp"),
    (["check", "specs"], 2, "is a directory"),
    (["check", "specs/kvm_fpu/v4.15.kp", "--timeout", "nan"], 2, "positive number of seconds"),
    (["check", "specs/kvm_fpu/v4.15.kp", "--itf", ""], 2, "--itf takes a folder"),
    (["check", "--bogus"], 2, "No such option"),
    (["explore", "tests/golden/json/missing.kp"], 2, "no such spec file"),
])
def test_usage_errors(args, code, message):
    result = _run(args)
    assert result.returncode == code, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_missing_include_is_an_error_of_the_spec(tmp_path):
    spec = tmp_path / "spec.kp"
    spec.write_text('include "nowhere.kp"\nthread t { loop { skip } }\n')
    result = _run(["check", str(spec)])
    assert result.returncode == 150 and "spec.kp:1:1" in result.stderr


def test_no_timeout_is_written_inf():
    result = _run(["check", "specs/kvm_fpu/v4.15.kp", "-p", "wanpeng", "-e", "explicit", "--timeout", "inf",
                   "--no-vacuity"])
    assert result.returncode == 12 and "VIOLATED at depth 8" in result.stdout
