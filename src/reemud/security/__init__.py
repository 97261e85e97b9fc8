"""Supply security: market scenarios, disruptions, the market run, risk indices and coverage.

Orchestration over the market functions of ``reemud.market``: it reads a market scenario
(``scenario``), builds the base-year market with the chain's mud as a supplier (``model``), and
derives outcomes, backcasts and indices from the runs. docs/models/supply-security.md.
"""
