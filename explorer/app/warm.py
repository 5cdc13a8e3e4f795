"""What every worker needs ready before it starts a job, done once in the fork server.

Workers are forked from a server process that imports this module first: the grammar's
parser is built, and the compiled search's machine code is loaded from numba's cache (or
compiled, the first time ever) by searching a model of one state.  Each job then starts
with all of it in memory instead of paying for it again (about a second per job).  Workers whose parent dies while they start exit quietly
(``quiet_orphans``).
"""

from __future__ import annotations

from explorer import ir
from explorer.app import jobs  # noqa: F401 - the whole job code, imported once
from explorer.app.pool import quiet_orphans
from explorer.engines.base import Options
from explorer.engines.explicit import check
from explorer.lang.parser import _parser


def _warm() -> None:
    _parser()
    flag = ir.Read("flag", None, ir.BOOL)
    prop = ir.Property("never", "invariant", "", flag, flag)
    action = ir.Action("set", ir.not_(flag), (ir.Update("flag", None, ir.TRUE),),
                       ir.Origin("t", None, (), "set"))
    model = ir.Model("warm", (ir.StateVar("flag", ir.BOOL, None, ((0,),)),), (action,), (prop,))
    check(model, prop, Options())


quiet_orphans()
_warm()
