"""The private training engine: critics, bounds and the skorch net that trains them.

Layers below the public face: nothing here imports a public module of
sklearn_mine; the public estimators and functions build on these modules.
See ``docs/architecture.md`` for which module owns what.
"""
