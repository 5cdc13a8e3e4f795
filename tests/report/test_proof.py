"""Proof reports: Markdown, self-contained HTML with SVG sequence charts, a headless
Chromium render, and the report layer's import boundary."""

import ast
import os
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.report_fixtures import BASE_WANPENG, REACHED, WANPENG, WANPENG_TRACE, WITNESS_TRACE, report_input

from explorer.report.files import write_report
from explorer.report.html import render_html
from explorer.report.inputs import flips, spec_hashes
from explorer.report.markdown import render_markdown
from explorer.report.svg import lanes, sequence_chart

REPORT_DIR = Path(__file__).resolve().parents[2] / "explorer" / "report"


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.void = {"meta", "br", "path", "rect", "line", "link", "img", "input", "hr"}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag not in self.void:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_endtag(self, tag):
        if tag in self.void:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Collector:
    c = Collector()
    c.feed(html)
    c.close()
    assert c.stack == [], c.stack
    return c


def test_html_parses_is_self_contained_and_has_charts():
    html = render_html(report_input())
    c = parse(html)
    assert c.tags.count("svg") == 2  # wanpeng's counterexample and the reach witness
    assert "script" not in c.tags and "link" not in c.tags and "img" not in c.tags
    for tag, key, value in c.attrs:
        if key in ("href", "src", "xlink:href"):
            assert value.startswith("#"), (tag, key, value)
    lowered = html.lower()
    for needle in ("http://", "https://", "@import", "url(http", "@font-face", "//fonts"):
        assert needle not in lowered
    text = "".join(c.text)
    for needle in ("v4.15: proof report", "Flipped against v4.14", "VIOLATED at depth 5",
                   "proved (pdr, invariant checked)", "user_fpu == qemu", "specs/kvm_fpu/v4.15.kp:40:5",
                   "abababab", "explorer report specs/kvm_fpu/v4.15.kp", "kvm_load_guest_fpu",
                   "Interleavings: preemption, softirq"):
        assert needle in text, needle


def test_html_escapes_everything():
    nasty = replace(WANPENG, property="<script>alert(1)</script>", doc="a < b && c")
    html = render_html(replace(report_input(), verdicts=(nasty,), description="<b>x</b>"))
    parse(html)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html


def test_svg_chart():
    assert lanes(WITNESS_TRACE) == [("cpu1", "vcpu"), ("cpu1", "softirq")]
    assert lanes(WANPENG_TRACE) == [("cpu0", "vcpu"), ("cpu0", "sched")]
    svg = sequence_chart(WANPENG_TRACE, chart_id="w")
    c = parse(svg)
    assert c.tags[0] == "svg"
    assert c.tags.count("g") == 5  # one group per step
    assert "cpu0 · vcpu" in "".join(c.text) and "cpu0 · sched" in "".join(c.text)
    assert "switch_fpu_prepare()" in svg and "✗ regs == guest" in svg
    assert svg.count('stroke="#dc2626"') == 1  # the violating step's box only
    assert svg.count("marker-end") == 1  # one lane change: vcpu -> sched
    assert 'id="w-arrow"' in svg
    assert sequence_chart(replace(WITNESS_TRACE, steps=())) == ""


def test_markdown_report():
    md = render_markdown(report_input())
    assert md.startswith("# v4.15: proof report\n")
    for needle in ("## Verdicts", "## Flipped against v4.14", "| `wanpeng`  | ✓ proved | ✗ depth 5 |",
                   "## Model", "42 actions", "`cpus=2`", "## Properties",
                   "### wanpeng: VIOLATED at depth 5", "**✗ regs == guest**",
                   "`context_switch > __switch_to > switch_fpu_prepare`",
                   "```\nuser_fpu == qemu || preempt_count == 0\n", "4-inductive",
                   "Exhaustive search of 1234 reachable states", "## Reproducibility", "| z3       | 4.13.0"):
        assert needle in md, needle


def test_markdown_escapes_pipes():
    weird = replace(WANPENG.outcome.trace.steps[0], statement="a || b")
    trace = replace(WANPENG_TRACE, steps=(weird,), states=WANPENG_TRACE.states[:1])
    v = replace(WANPENG, outcome=type(WANPENG.outcome)(trace))
    md = render_markdown(replace(report_input(), verdicts=(v,)))
    assert "`a \\|\\| b`" in md


def test_flips():
    assert [f.property for f in flips([BASE_WANPENG], [WANPENG, REACHED])] == ["wanpeng"]
    assert flips([WANPENG], [WANPENG]) == ()


def test_spec_hashes(tmp_path):
    p = tmp_path / "a.kp"
    p.write_bytes(b"var x: bool = false\n")
    ((path, digest),) = spec_hashes([p, p])
    assert path == str(p) and len(digest) == 64


def test_write_report(tmp_path):
    paths = write_report(report_input(), tmp_path / "out", ("md", "html", "json"))
    assert [p.name for p in paths] == ["v4.15.md", "v4.15.html", "v4.15.json"]
    assert sorted(os.listdir(tmp_path / "out")) == ["v4.15.html", "v4.15.json", "v4.15.md"]
    with pytest.raises(ValueError):
        write_report(report_input(), tmp_path, ("pdf",))


def test_report_layer_imports_only_verdict_and_stdlib():
    allowed_third_party = {"tabulate", "rich"}
    for path in sorted(REPORT_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: relative import"
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "explorer":
                    assert name == "explorer.verdict" or name.startswith("explorer.report"), (path.name, name)
                else:
                    assert top in sys.stdlib_module_names or top in allowed_third_party, (path.name, name)


# --------------------------------------------------------------------------- Chromium


def png_pixels(data: bytes):
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) with zlib only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        typ, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6)
        elif typ == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    prev = bytearray(stride)
    rows, i = [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)")
@pytest.mark.parametrize("height", [600, 900, 1600])
def test_html_renders_in_headless_chromium(tmp_path, height):
    (page,) = write_report(report_input(), tmp_path, ("html",))
    png = tmp_path / "shot.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}", f"--window-size=1200,{height}",
           page.resolve().as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    if os.environ.get("EXPLORER_KEEP_SCREENSHOT"):
        shutil.copy(png, os.environ["EXPLORER_KEEP_SCREENSHOT"])
    w, h, bpp, rows = png_pixels(png.read_bytes())
    assert (w, h) == (1200, height)
    colours = set()
    reds = blues = 0
    for row in rows[::3]:
        for x in range(0, len(row), bpp * 3):
            r, g, b = row[x], row[x + 1], row[x + 2]
            colours.add((r, g, b))
            reds += r > 180 and g < 90 and b < 90      # verdict text "VIOLATED", flip cell
            blues += b > 180 and r < 90 and g < 140    # links, the first lane header
    assert len(colours) > 50, "screenshot looks blank"
    assert reds > 20 and blues > 20
