"""The command line (``sklearn-mine``, ``python -m sklearn_mine``).

``_parser`` builds the argument parser without loading torch, ``_table``
reads and encodes a CSV or Parquet table, ``_commands`` runs ``demo``,
``estimate`` and ``test`` through the public face of the package only.
"""

from ._commands import main

__all__ = ["main"]
