"""Stored runs side by side: what ``reemud db compare`` prints and the web app's compare page shows."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def _kpi_value(kpis: Mapping, name: str, key: str | None) -> float | None:
    value = kpis.get(name)
    if key is None:
        return None if isinstance(value, Mapping) else _finite(value)
    return _finite(value.get(key)) if isinstance(value, Mapping) else None


COMPARE_RTOL = 1e-12
"""Relative tolerance under which ``reemud db compare`` and the web app do not flag two values
as different."""


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= COMPARE_RTOL * max(abs(a), abs(b))


def comparison(records: list[dict]) -> list[dict]:
    """One row per KPI value (``kpi[key]`` per element or item) of stored runs, side by side.

    ``values`` follow ``records``; ``difference`` (run - first run) and ``difference_pct``
    (100 x difference / |first run|, None when the first run is 0 and the other is not) follow
    ``records[1:]``. Undefined values (and differences involving one) are None. ``differs``
    is true when a run's value is not the first run's to a relative ``COMPARE_RTOL`` (so
    rounding noise of a few ulps is reported in ``difference`` but not flagged).
    """
    from reemud.nomenclature import variables

    keys: dict[str, list[str | None]] = {}  # KPI name -> element/item keys, first seen first
    for record in records:
        for name, value in record["kpis"].items():
            seen = keys.setdefault(name, [])
            seen += [k for k in (value if isinstance(value, Mapping) else [None]) if k not in seen]
    rows = []
    for name, name_keys in keys.items():
        unit = variables().get(name, {}).get("unit", "?")
        for key in name_keys:
            values = [_kpi_value(r["kpis"], name, key) for r in records]
            first = values[0]
            diffs, pcts = [], []
            for v in values[1:]:
                d = None if first is None or v is None else v - first
                diffs.append(d)
                pcts.append(None if d is None else 0.0 if d == 0 else None if first == 0
                            else 100.0 * d / abs(first))
            rows.append({"kpi": name if key is None else f"{name}[{key}]", "name": name,
                         "key": key, "unit": unit, "values": values, "difference": diffs,
                         "difference_pct": pcts,
                         "differs": any(not _same(first, v) for v in values[1:])})
    return rows
