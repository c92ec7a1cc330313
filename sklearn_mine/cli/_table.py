"""Reading a CSV or Parquet file as a DataFrame, for ``estimate`` and ``test``.

pandas is imported inside ``read_table``: it is needed by those commands only,
not by the library, and may be missing.
"""

import importlib.util
import os

from ._errors import InputError, first_line

__all__ = ["read_table"]


def read_table(path):
    """The file as a DataFrame: Parquet by its suffix, CSV otherwise."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise InputError(
            "reading it needs pandas, which is not installed: pip install pandas"
        ) from exc

    if not os.path.exists(path):
        raise InputError("no such file")
    if os.path.isdir(path):
        raise InputError("is a directory, not a data file")
    if os.path.splitext(path)[1].lower() in (".parquet", ".pq"):
        if not _parquet_engine_installed():
            raise InputError(
                "reading Parquet needs pyarrow (or fastparquet), which is not "
                "installed: pip install pyarrow"
            )
        kind, reader = "Parquet", pd.read_parquet
    else:
        kind, reader = "CSV", pd.read_csv
    try:
        frame = reader(path)
    # Parsers raise what they like (OSError, ValueError, UnicodeDecodeError,
    # csv.Error, pyarrow's errors) on a file that is not what it claims to be;
    # each means the same to the user.
    except Exception as exc:
        raise InputError(f"cannot read it as {kind}: {first_line(exc)}") from exc
    # Parquet column names need not be strings; the command line's are.
    frame.columns = [str(name) for name in frame.columns]
    # Rows are named by their position in error messages, whatever the index.
    return frame.reset_index(drop=True)


def _parquet_engine_installed():
    # Looked up, not imported: importing pyarrow takes a while.
    return any(
        importlib.util.find_spec(engine) for engine in ("pyarrow", "fastparquet")
    )
