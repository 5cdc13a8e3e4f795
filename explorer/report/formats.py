"""The formats of a proof report, by the names ``--format`` takes."""

from __future__ import annotations

from typing import Callable

from explorer.report.html import render_html
from explorer.report.inputs import ReportInput
from explorer.report.json_out import report_json
from explorer.report.markdown import render_markdown
from explorer.report.plain import render_text

RENDERERS: dict[str, Callable[[ReportInput], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": report_json,
    "txt": render_text,
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)
DEFAULT_FORMATS: tuple[str, ...] = ("md", "html", "json")
"""What ``explorer report`` writes when ``--format`` is not given."""
