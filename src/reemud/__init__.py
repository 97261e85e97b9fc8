"""reemud: an end-to-end, sourced model of deep-sea rare-earth mud mining.

From the REY-rich mud near Minamitorishima to separated oxides, their cash flow, their plume and
their effect on Japan's supply. Quick start::

    from reemud.scenario import load_scenario
    from reemud.chain import run

    result = run(load_scenario("minamitorishima-2027"))
    print(result.kpis["npv_usd"])
"""

__version__ = "0.1.0"
