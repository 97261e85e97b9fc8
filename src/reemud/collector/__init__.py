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

from reemud.constants import DAYS_PER_YEAR, HOURS_PER_DAY


def operating_days_per_year(availability):
    """Operating days per calendar year from the fraction of time the miner works [d/yr].

    Parameters
    ----------
    availability : float or array_like
        Availability ``a``, the fraction of calendar time the miner works [-] (draws first).

    Returns
    -------
    ndarray
        ``D_op = 365 a`` [d/yr], the shape of ``availability``.

    References
    ----------
    docs/models/collector.md §2.1.
    """
    return DAYS_PER_YEAR * np.asarray(availability, dtype=float)


def annual_mud_dry_t(mud_dry_t_per_day, availability):
    """Dry mud delivered to the riser per year [t/yr].

    Parameters
    ----------
    mud_dry_t_per_day : float or array_like
        Dry throughput while operating ``Ṁ_day`` [t/day] (draws first).
    availability : float or array_like
        Fraction of calendar time the miner works [-] (draws first).

    Returns
    -------
    ndarray
        ``Ṁ_year = Ṁ_day · 365 a`` [t/yr], the broadcast shape of the inputs.

    References
    ----------
    docs/models/collector.md §2.1 (the 350 t/day 2027 target: Kyodo/Yomiuri, §1.3).
    """
    return np.asarray(mud_dry_t_per_day, dtype=float) * operating_days_per_year(availability)


def escaped_dry_t(taken_dry_t, escape_fraction):
    """Dry mud that escapes at the seabed while ``taken_dry_t`` is delivered [t].

    Disturbed mass is ``taken / (1 − e)``, so the escaped mass is ``taken · e / (1 − e)``.

    Parameters
    ----------
    taken_dry_t : float or array_like
        Dry mud delivered to the riser [t] (or [t/yr]; the result has the same unit) (draws
        first).
    escape_fraction : float or array_like
        Share ``e`` of the disturbed mud that escapes at the seabed, ``0 ≤ e < 1`` [-] (draws
        first).

    Returns
    -------
    ndarray
        Escaped dry mud ``M e / (1 − e)`` [t] (in the unit of ``taken_dry_t``).

    References
    ----------
    docs/models/collector.md §2.2.
    """
    e = np.asarray(escape_fraction, dtype=float)
    return np.asarray(taken_dry_t, dtype=float) * e / (1.0 - e)


def spot_cycle_h(spot_dry_t, lift_rate_dry_t_per_h, penetration_h, relocation_h):
    r"""Length of one spot cycle of the gathering cylinder [h].

    .. math::

        t_{cycle} = t_{pen} + \frac{m_{spot}}{\dot m_{lift}} + t_{reloc}

    Parameters
    ----------
    spot_dry_t : float or array_like
        Dry mud lifted at one spot [t] (draws first).
    lift_rate_dry_t_per_h : float or array_like
        Dry mud lifted per hour while lifting [t/h].
    penetration_h, relocation_h : float or array_like
        Penetrating the cylinder, and pulling out and moving to the next spot [h].

    Returns
    -------
    ndarray
        Cycle time [h].

    References
    ----------
    docs/models/collector.md §2.3 (the spot cycle of the campaign simulation).
    """
    return (np.asarray(penetration_h, dtype=float) + np.asarray(relocation_h, dtype=float)
            + np.asarray(spot_dry_t, dtype=float) / np.asarray(lift_rate_dry_t_per_h))


def cycle_h_for_rate(spot_dry_t, mud_dry_t_per_day):
    r"""Longest spot cycle that still delivers ``mud_dry_t_per_day`` by cycling all day [h].

    Continuous cycling delivers :math:`24\,m_{spot}/t_{cycle}` a day, so the target rate
    :math:`\dot M` needs

    .. math::

        t_{cycle} \le \frac{24\,m_{spot}}{\dot M}

    It sets no time for weather, breakdowns or running the pipe, so it is an upper bound on the
    cycle a campaign may take.

    Parameters
    ----------
    spot_dry_t : float or array_like
        Dry mud lifted at one spot [t] (draws first).
    mud_dry_t_per_day : float or array_like
        Target dry mud a day [t/day].

    Returns
    -------
    ndarray
        Cycle time [h].

    References
    ----------
    docs/models/collector.md §2.3.
    """
    return HOURS_PER_DAY * np.asarray(spot_dry_t, dtype=float) / np.asarray(mud_dry_t_per_day)
