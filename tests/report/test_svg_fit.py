"""The sequence chart never cuts text and every text fits its box: estimated per
character of the monospace font, and measured in headless Chromium (getBBox)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from support.report_fixtures import WANPENG_TRACE, WITNESS_TRACE

from explorer.report.svg import CHAR_W, SMALL, SMALL_W, lanes, sequence_chart
from explorer.verdict import TraceNote, TraceStep

def _tagged(root, tag):
    return [n for n in root.iter() if n.tag.rsplit("}", 1)[-1] == tag]
LONG_VIOLATION = ("copy_fpregs_to_fpstate(dst) when dst is vcpu.fpu && regs == guest, and then "
                  "some more words so that it is longer than any column")


def three_lanes():
    """Wanpeng's trace with a softirq lane in between, a long violation and notes, and
    tasks that take no step."""
    steps = list(WANPENG_TRACE.steps)
    irq = TraceStep(index=0, action="irq", cpu="cpu0", context="crypto",
                    chain=("irq_exit", "__do_softirq", "crc32c_pcl_intel_update_with_a_long_name"),
                    statement="copy_fpregs_to_fpstate(current.fpu_with_a_long_field_name)",
                    location="", citation="", changes=(("vcpu.fpu", "qemu", "guest"),),
                    owners=(("qemu", ()), ("guest", ("regs[cpu0]", "vcpu.fpu", "guest_fpu"))),
                    notes=(TraceNote("also_violated", "integrity fails here too: assertion fails: "
                                     "regs == qemu", "integrity"),))
    steps.insert(2, irq)
    last = replace(steps[-1], violation=LONG_VIOLATION,
                   notes=(TraceNote("cause", "qemu's data is lost: its last copy (vcpu.fpu) is "
                                    "overwritten here"),))
    steps[-1] = last
    return replace(WANPENG_TRACE, steps=tuple(steps), tasks=("vcpu", "other0", "idle0"))


def _texts(svg: str):
    root = ET.fromstring(svg)
    rects = [(float(r.get("x")), float(r.get("y")), float(r.get("width")), float(r.get("height")))
             for r in _tagged(root, "rect")]
    width = float(root.get("width"))
    background = [r for r in rects if r[2] == width]
    rects = [r for r in rects if r not in background]
    texts = _tagged(root, "text")
    assert len(texts) > 10
    for node in texts:
        yield node, rects, width


def _extent(node) -> tuple[float, float]:
    chars = len(node.text or "")
    per = SMALL_W if node.get("font-size") == str(SMALL) else CHAR_W
    w, x = chars * per, float(node.get("x"))
    anchor = node.get("text-anchor", "start")
    return {"start": (x, x + w), "middle": (x - w / 2, x + w / 2), "end": (x - w, x)}[anchor]


@pytest.mark.parametrize("trace", [WANPENG_TRACE, WITNESS_TRACE, three_lanes()], ids=["two", "witness", "three"])
def test_every_text_fits_its_box_and_the_chart(trace):
    svg = sequence_chart(trace)
    boxed = 0
    for node, rects, width in _texts(svg):
        left, right = _extent(node)
        assert 0 <= left and right <= width, node.text
        x, y = float(node.get("x")), float(node.get("y"))
        inside = [r for r in rects if r[0] <= x <= r[0] + r[2] and r[1] <= y - 4 <= r[1] + r[3]]
        if inside:
            rx, _, rw, _ = min(inside, key=lambda r: r[2] * r[3])
            assert rx <= left and right <= rx + rw, (node.text, left, right, rx, rx + rw)
            boxed += 1
    assert boxed >= 2 * len(trace.steps)  # at least the function and statement of each step


def test_nothing_is_cut_and_every_task_has_a_lane():
    trace = three_lanes()
    assert lanes(trace) == [("cpu0", "vcpu"), ("cpu0", "crypto"), ("cpu0", "sched"),
                            (None, "other0"), (None, "idle0")]
    svg = sequence_chart(trace)
    shown = " ".join(node.text or "" for node, _, _ in _texts(svg))
    assert "…" not in shown
    words = re.findall(r"\S+", LONG_VIOLATION)
    flat = re.sub(r"\s+", " ", shown)
    assert " ".join(words[-6:]) in flat  # the end of the violation is there, wrapped
    assert "other0 (no step)" in flat and "idle0 (no step)" in flat  # two lines each
    assert "integrity fails here too" in flat and "qemu nowhere (lost)" in flat


CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)

MEASURE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>%s
<pre id="out"></pre><script>
const out = [];
for (const svg of document.querySelectorAll("svg")) {
  const rects = [...svg.querySelectorAll("rect")].map(r => r.getBBox()).filter(b => b.width < svg.width.baseVal.value);
  for (const t of svg.querySelectorAll("text")) {
    const b = t.getBBox();
    const inside = rects.filter(r => r.x <= b.x + 1 && b.y + b.height / 2 >= r.y && b.y + b.height / 2 <= r.y + r.height
                                     && t.x.baseVal[0].value >= r.x && t.x.baseVal[0].value <= r.x + r.width);
    inside.sort((p, q) => p.width * p.height - q.width * q.height);
    out.push({text: t.textContent, left: b.x, right: b.x + b.width, width: svg.width.baseVal.value,
              box: inside.length ? [inside[0].x, inside[0].x + inside[0].width] : null});
  }
}
document.getElementById("out").textContent = JSON.stringify(out);
</script></body></html>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)")
def test_every_text_fits_its_box_as_chromium_renders_it(tmp_path):
    page = tmp_path / "chart.html"
    page.write_text(MEASURE % "\n".join(sequence_chart(t, chart_id=f"c{i}") for i, t in
                                        enumerate([WANPENG_TRACE, WITNESS_TRACE, three_lanes()])))
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.resolve().as_uri()]
    dom = subprocess.run(cmd, check=True, capture_output=True, timeout=120, text=True).stdout
    found = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    measured = json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert len(measured) > 40
    assert sum(1 for m in measured if m["box"]) > 20  # box texts were matched to their boxes
    for m in measured:
        assert m["left"] >= 0 and m["right"] <= m["width"] + 0.5, m
        if m["box"]:
            assert m["box"][0] <= m["left"] + 0.5 and m["right"] <= m["box"][1] + 0.5, m
