import pytest

from reemud.chain import run
from reemud.scenario import load_scenario

BUNDLED = ("minamitorishima-2027", "minamitorishima-commercial", "meti-jogmec-2016")


@pytest.fixture(scope="session")
def results():
    """One full run of each bundled scenario (the chain checks mass balance on the way)."""
    return {name: run(load_scenario(name)) for name in BUNDLED}


@pytest.fixture(scope="session")
def default_result(results):
    return results["minamitorishima-2027"]
