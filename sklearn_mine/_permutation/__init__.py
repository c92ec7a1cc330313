"""Permutation testing: scores, permuted designs, closed-form statistics, p-values.

Layer 1, beside the engine: nothing here trains or imports the public face.
``scores`` turns columns into normal scores, ``designs`` builds the wide
tables of a feature and its permuted copies (with Z, permuted within Z's
neighbourhoods, which ``local`` finds and draws), ``statistics`` computes
the closed-form statistics that need no training, and ``pvalues`` turns
the critics' and those statistics into exact permutation p-values. See
``docs/architecture.md``.
"""
