"""Exports of the grounded IR for peer model checkers (SPIN, ABC) and for people.

* ``promela``: the model as one Promela process, one ``d_step`` per action, properties as
  monitor options ending in ``assert(false)``; with ``-DNOREDUCE`` SPIN stores exactly the
  states explorer's exhaustive search finds (plus one start state when the initial values
  are chosen by code, which the export says);
* ``aiger``: the bit-level transition relation (widths from ``explorer.ir.intervals``) as
  an And-Inverter graph with the bad predicate as its one output, in binary AIGER, written
  by ``aig`` (a small writer of its own: no package of the machine reads the IR).

An export depends on the IR alone; the engines ``spin`` and ``abc`` run these files and
map what the peers answer back to the IR.
"""

from explorer.export.aiger import AigerExport, to_aiger
from explorer.export.promela import PromelaExport, to_promela

__all__ = ["AigerExport", "PromelaExport", "to_aiger", "to_promela"]
