"""The report layer: renders verdicts (``explorer.verdict``) as terminal text, tables,
JSON, ITF traces, Markdown and self-contained HTML.  It knows nothing of z3, the IR or
the spec language.

- ``text``: verdict phrases, call-chain traces, the ``explorer check`` output
- ``table``: the verdict table and the compare matrix (any tabulate format, or JSON)
- ``json_out``: ``--json`` results (schema version 1)
- ``itf``: Apalache ITF traces, one file per counterexample
- ``inputs``: ``ReportInput``, the plain data a proof report is made from
- ``markdown`` / ``html`` / ``svg``: proof reports and sequence charts
- ``files``: atomic writes of reports
"""
