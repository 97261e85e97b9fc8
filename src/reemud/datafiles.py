"""Read the bundled data files (``reemud/data``): CSV tables with a source for every number.

Every table row that carries a number has a ``source`` column (citation or URL) and an ``assumed``
column: empty when the number is sourced, otherwise the one-line reason it had to be assumed.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path

DATA_PACKAGE = "reemud.data"


def data_path(name: str) -> Path:
    """Return the path of a bundled data file [-]."""
    return Path(str(resources.files(DATA_PACKAGE).joinpath(name)))


@cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Read a bundled CSV file as a tuple of row dicts (strings; callers convert)."""
    with data_path(name).open(newline="", encoding="utf-8") as handle:
        rows = [
            {k: (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(line for line in handle if not line.startswith("#"))
        ]
    return tuple(rows)


def assumed_rows() -> list[dict[str, str]]:
    """Every row of every bundled CSV that is flagged ``assumed``, with the file it came from."""
    out = []
    for path in sorted(data_path("").glob("*.csv")):
        for row in read_table(path.name):
            if row.get("assumed"):
                out.append({"file": path.name, **row})
    return out
