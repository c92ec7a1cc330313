"""Raw JSONL records: one JSON object a line, kept out of the source tree.

Scripts that run for hours (``bench_conditional.py``,
``bench_selection_tables.py``) append one record per trial, so that a run
can be split into shards, resumed, and reported later. The records go to
the directory given by ``--records DIR``, else by the environment variable
``SKLEARN_MINE_BENCH_RECORDS``, else to ``benchmarks/records/`` (ignored by
git). What the docs cite is the report of the records, a markdown summary
in ``benchmarks/results/``, which names the command and the commit.
"""

import json
import os
import tempfile
from pathlib import Path

ENVIRONMENT = "SKLEARN_MINE_BENCH_RECORDS"
DEFAULT = Path(__file__).resolve().parent.parent / "records"


def records_dir(given=None, quick=False):
    """The directory for raw records: ``given``, else the environment's, else
    the default; with ``quick`` (a smoke run) and nothing given, a fresh
    temporary directory, so that a smoke run neither resumes from nor mixes
    with real records."""
    if given is not None:
        path = Path(given)
    elif quick:
        path = Path(tempfile.mkdtemp(prefix="sklearn_mine_bench_"))
    else:
        path = Path(os.environ.get(ENVIRONMENT) or DEFAULT)
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_records(paths):
    """Every record of the files ``paths`` (a missing file has none)."""
    records = []
    for path in paths:
        path = Path(path)
        if path.exists():
            with path.open() as lines:
                records += [json.loads(line) for line in lines if line.strip()]
    return records


def append_record(path, record):
    """Append ``record`` as one JSON line to ``path``."""
    with Path(path).open("a") as out:
        out.write(json.dumps(record) + "\n")
