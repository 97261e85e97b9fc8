"""Stage models as registered in the chain: parameter models (pydantic) and run functions.

Each run function takes its validated parameters, the records of the stages before it and the
run's seed, calls the plain physics functions of its stage module and returns that stage's
record. Defaults of every parameter live in ``data/parameters.csv`` with their sources; the
fields declare the canonical unit, the allowed range and what the parameter means. Importing this
package registers every model.
"""

from reemud.stages import mining, outcomes, processing
from reemud.stages.common import (
    grade_profiles,
    japan_demand,
    leach_acids,
    oxalate_isotherm,
    price_decks,
    rey_patterns,
)

__all__ = ["grade_profiles", "japan_demand", "leach_acids", "mining", "outcomes",
           "oxalate_isotherm", "price_decks", "processing", "rey_patterns"]
