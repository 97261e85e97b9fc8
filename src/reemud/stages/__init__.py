"""Stage models as registered in the chain: parameter models (pydantic) and run functions.

One file per stage, named after it. Each run function takes its validated parameters (scalars,
or arrays of draws), the records of the stages before it and the run's seed, calls the plain
physics functions of its stage module and returns that stage's record; it holds no physics of its
own. Defaults of every parameter live in ``data/parameters.csv`` with their sources; the fields
declare the canonical unit, the allowed range and what the parameter means. Importing this
package registers every model.
"""

from reemud.stages import (
    beneficiation,
    collector,
    deposit,
    economics,
    environment,
    leaching,
    lifting,
    market,
    refining,
    separation,
)
from reemud.stages.common import (
    grade_profiles,
    japan_demand,
    leach_acids,
    oxalate_isotherm,
    price_decks,
    rey_patterns,
)

__all__ = ["beneficiation", "collector", "deposit", "economics", "environment", "grade_profiles",
           "japan_demand", "leach_acids", "leaching", "lifting", "market", "oxalate_isotherm",
           "price_decks", "refining", "rey_patterns", "separation"]
