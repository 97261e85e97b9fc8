r"""Seabed collector: how much dry mud the miner takes per day and per year, and what escapes.

Simplest correct model (issue 2): throughput × availability.

.. math::

    D_{op} = 365 \, a, \qquad \dot M_{year} = \dot M_{day} D_{op}

The collector disturbs ``M / (1 − e)`` of mud to deliver ``M`` to the riser; the escaped share
``e`` is the near-bed plume source. Grades of what is taken are the thickness-weighted mean of the
deposit's layers over the mined interval (the pipe-end gathering cylinder of the Chikyu system is
~5.6 m long, so it takes 0–5.6 mbsf; Yomiuri via livedoor, docs/models/collector.md §1.1).
"""

from __future__ import annotations

import numpy as np

from reemud.constants import DAYS_PER_YEAR


def operating_days_per_year(availability):
    """Operating days per calendar year from the fraction of time the miner works [d/yr]."""
    return DAYS_PER_YEAR * np.asarray(availability, dtype=float)


def annual_mud_dry_t(mud_dry_t_per_day, availability):
    """Dry mud delivered to the riser per year [t/yr]."""
    return np.asarray(mud_dry_t_per_day, dtype=float) * operating_days_per_year(availability)


def escaped_dry_t(taken_dry_t, escape_fraction):
    """Dry mud that escapes at the seabed while ``taken_dry_t`` is delivered [t].

    Disturbed mass is ``taken / (1 − e)``, so the escaped mass is ``taken · e / (1 − e)``.
    """
    e = np.asarray(escape_fraction, dtype=float)
    return np.asarray(taken_dry_t, dtype=float) * e / (1.0 - e)
