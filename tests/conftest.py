"""Test settings shared by the whole suite.

Hypothesis runs derandomized by default (profile ``ci``): the same examples on every run,
so the suite is never flaky and a failure reproduces.  ``HYPOTHESIS_PROFILE=explore``
draws fresh examples, for hunting new disagreements between engines.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "explore", derandomize=False, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
