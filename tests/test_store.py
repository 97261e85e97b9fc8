import pytest

from pgtest import pg_url
from reemud import store


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.db)])
def engine(request, tmp_path):
    """The run store on each supported backend; PostgreSQL is started by `make test`."""
    if request.param == "sqlite":
        yield store.connect(store.default_url(tmp_path))
        return
    url = pg_url()
    eng = store.connect(url)
    store.metadata.drop_all(eng)
    eng.dispose()
    eng = store.connect(url)  # a new store: its tables and its schema version
    yield eng
    store.metadata.drop_all(eng)
    eng.dispose()


def test_round_trip(engine, results):
    ids = [store.save_run(engine, r) for r in results.values()]
    assert ids == list(range(1, len(results) + 1))
    for run_id, result in zip(ids, results.values(), strict=True):
        record = store.get_run(engine, run_id)
        assert record["kpis"] == result.to_dict()["kpis"]
        assert record["scenario_text"] == result.scenario.text
        assert record["scenario_sha256"] == result.scenario.sha256
        assert record["version"] == result.version
    assert [r["scenario_name"] for r in store.list_runs(engine)] == list(results)
    assert store.get_run(engine, 99) is None


def test_same_scenario_stored_once(engine, results):
    result = next(iter(results.values()))
    first, second = store.save_run(engine, result), store.save_run(engine, result)
    assert (first, second) == (1, 2)
    with engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM scenario").scalar()
    assert n == 1


def test_reopened_store_keeps_its_runs_and_schema_version(engine, results):
    result = next(iter(results.values()))
    first = store.save_run(engine, result)
    again = store.connect(engine.url.render_as_string(hide_password=False))
    assert store.get_run(again, first)["kpis"] == result.to_dict()["kpis"]
    assert store.save_run(again, result) == first + 1
    with again.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM reemud_schema").scalars().all() == [
            store.SCHEMA_VERSION]
    again.dispose()


def test_sqlite_uses_wal(tmp_path):
    engine = store.connect(store.default_url(tmp_path))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_sweep_chunks_stored_once_and_exported_to_parquet(engine, tmp_path):
    import numpy as np
    import pandas as pd

    sweep_id = store.create_sweep(engine, scenario_sha256="0" * 64, scenario_name="t",
                                  scenario_text="[scenario]\n", n=5, method="lhs", seed=1,
                                  chunk_size=3, parameters=["economics.discount_rate"],
                                  version="test")
    second = {"draw": np.array([3, 4]), "out:npv_usd": np.array([np.nan, -2.5])}
    first = {"draw": np.array([0, 1, 2]), "out:npv_usd": np.array([1.0, 2.0, 1e300])}
    assert store.save_chunk(engine, sweep_id, 1, 3, 5, store.pack(second))
    assert store.save_chunk(engine, sweep_id, 0, 0, 3, store.pack(first))
    assert not store.save_chunk(engine, sweep_id, 0, 0, 3, store.pack(first))  # never twice
    assert store.done_chunks(engine, sweep_id) == {0, 1}
    info = store.get_sweep(engine, sweep_id)
    assert (info["n"], info["chunk_size"], info["parameters"]) == (5, 3,
                                                                   ["economics.discount_rate"])
    arrays = store.sweep_arrays(engine, sweep_id)
    np.testing.assert_array_equal(arrays["draw"], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(arrays["out:npv_usd"], [1.0, 2.0, 1e300, np.nan, -2.5])
    frame = pd.read_parquet(store.export_draws(engine, sweep_id, tmp_path / "d.parquet"))
    np.testing.assert_array_equal(frame["out:npv_usd"].to_numpy(), arrays["out:npv_usd"])
    assert store.get_sweep(engine, 999) is None
    assert [(r["id"], r["stored"], r["n"]) for r in store.list_sweeps(engine)] == [(sweep_id, 5, 5)]
