"""What the benchmark scripts share, as scikit-learn's asv_benchmarks/common.py.

Every script runs as ``python benchmarks/bench_x.py`` from the repository
root; Python then puts ``benchmarks/`` first on ``sys.path``, so that each
script imports this package (``from common.options import parse_overrides``)
and no script imports another script.

- :mod:`common.options`: the ``NAME=VALUE`` override parser, timing.
- :mod:`common.records`: where raw JSONL records go, reading and appending.
- :mod:`common.data`: data generators several scripts draw from.
- :mod:`common.tables`: the per-feature p-values' tables and their FDR
  outcome (no package internals).
- :mod:`common.hard_cases`: the hard-dependence suite (``bench_hard.py``'s).
- :mod:`common.selection`: the selectors and helpers of the selection scripts.
- :mod:`common.internals`: the package internals some scripts measure, in
  one place.
"""
