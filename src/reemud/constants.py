"""Physical and calendar constants, each defined once for the whole of reemud.

Gravity: the standard acceleration of gravity ``g_n = 9.80665 m/s²``, exact by definition
(3rd CGPM, 1901; BIPM SI Brochure, 9th ed.). Normal gravity at the Minamitorishima site
(24.3° N, sea level; GRS 80 formula) is 9.789 m/s², 0.2 % less, well inside the models' other
uncertainties; every lift, settling and pressure-head formula uses ``G_M_PER_S2``.

Calendar: reemud's year is the 365-day calendar year (8,760 h). The operating days of the
collector (``D_op = 365 a``), the yearly cash flows and every per-year rate or total are on that
year, so the hours, minutes and seconds per year below are of it too. The Julian year
(365.25 d = 8,766 h) is not used: a rate converted with it differs by 0.07 %.
"""

from __future__ import annotations

G_M_PER_S2 = 9.80665
"""Standard acceleration of gravity [m/s²] (CGPM 1901, exact)."""

HOURS_PER_DAY = 24.0
"""Hours per day [h/d]."""

SECONDS_PER_DAY = HOURS_PER_DAY * 3600.0
"""Seconds per day [s/d] (86,400)."""

DAYS_PER_YEAR = 365.0
"""Days per (calendar) year [d/yr]."""

HOURS_PER_YEAR = DAYS_PER_YEAR * HOURS_PER_DAY
"""Hours per year [h/yr] (8,760)."""

MINUTES_PER_YEAR = HOURS_PER_YEAR * 60.0
"""Minutes per year [min/yr] (525,600)."""

SECONDS_PER_YEAR = HOURS_PER_YEAR * 3600.0
"""Seconds per year [s/yr] (31,536,000)."""
