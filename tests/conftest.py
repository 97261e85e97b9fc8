import pytest

from pgtest import drop_everything, pg_url
from reemud import store
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.db)])
def url(request, tmp_path):
    """URL of an empty database on each backend (nothing created yet); PostgreSQL from make test."""
    if request.param == "sqlite":
        (tmp_path / "store").mkdir()
        yield store.default_url(tmp_path / "store")
        return
    pg = pg_url()
    drop_everything(pg)
    yield pg
    drop_everything(pg)
