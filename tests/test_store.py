from reemud import store


def test_round_trip_sqlite(tmp_path, results):
    engine = store.connect(store.default_url(tmp_path))
    ids = [store.save_run(engine, r) for r in results.values()]
    assert ids == [1, 2]
    for run_id, result in zip(ids, results.values(), strict=True):
        record = store.get_run(engine, run_id)
        assert record["kpis"] == result.to_dict()["kpis"]
        assert record["scenario_text"] == result.scenario.text
        assert record["scenario_sha256"] == result.scenario.sha256
        assert record["version"] == result.version
    assert [r["scenario_name"] for r in store.list_runs(engine)] == list(results)
    assert store.get_run(engine, 99) is None


def test_sqlite_uses_wal(tmp_path):
    engine = store.connect(store.default_url(tmp_path))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
