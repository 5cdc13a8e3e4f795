#!/usr/bin/env bash
# The slow tier: engines cross-checked on many more generated models than the default
# suite (tests marked `slow`), hypothesis still derandomized.  Not run by .ci/run (it
# takes tens of minutes on 2 cores); run it before a release or after touching an engine.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python -m pytest -q -m slow "$@"
