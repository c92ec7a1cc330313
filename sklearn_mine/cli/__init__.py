"""The command line (``sklearn-mine``, ``python -m sklearn_mine``).

``_parser`` builds the argument parser without loading torch; ``_commands``
runs ``demo``, ``estimate`` and ``test`` through the public face of the
package only. For the commands on a table: ``_table`` reads a CSV or Parquet
file, ``_columns`` chooses and checks its columns, ``_matrices`` turns them
into arrays, ``_output`` writes the result, and ``_errors`` says what bad
input is.
"""

from ._commands import main

__all__ = ["main"]
