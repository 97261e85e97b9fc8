"""The store never loses a computed run and is never left inconsistent.

Concurrent first use of a new store, stores refused before the chain runs (one red line, exit 2,
no traceback), a store failing after the run (the run saved as JSON in --out), the schema
version and its upgrade from a store made before it, out-of-range seeds and ids.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from pgtest import drop_everything, pg_url
from reemud import store
from reemud.cli import app
from reemud.cli_common import INT64_MAX, write_text_atomic
from reemud.errors import StoreError

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def chain_calls(monkeypatch, default_result):
    """Replace the chain by the session's default run and count the calls (0: refused before)."""
    calls = []

    def fake_run(scenario, seed=0):
        calls.append(seed)
        return default_result

    monkeypatch.setattr("reemud.chain.run", fake_run)
    return calls


def _raw(url: str) -> sa.Engine:
    """A plain engine with none of ``store.connect``'s checks, to build broken stores with."""
    return sa.create_engine(url)


def _sql(url: str, *statements: str) -> None:
    engine = _raw(url)
    with engine.begin() as conn:
        for s in statements:
            conn.exec_driver_sql(s)
    engine.dispose()


def _refused(result, *fragments: str) -> None:
    """Exit 2, no traceback, every fragment in the one message."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.output, result.output


def _store_with_runs(url: str, n: int = 20) -> None:
    Path(sa.make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
    engine = store.connect(url)
    for i in range(n):
        store.save_kpis(engine, sha256=f"{i:064d}", name="t", text="x" * 2000, seed=i,
                        version="test", kpis={f"k{j}": float(j) for j in range(50)})
    engine.dispose()  # the last connection checkpoints the WAL into the file


# ---------------------------------------------------------------------------------------------
# concurrent first use


def _reemud() -> list[str]:
    script = Path(sys.executable).with_name("reemud")
    return [str(script)] if script.exists() else [sys.executable, "-c",
                                                  "from reemud.cli import main; main()"]


@pytest.mark.slow
def test_six_runs_started_together_on_a_new_store_all_stored_once(tmp_path):
    out = tmp_path / "new" / "out"  # neither folder exists yet
    procs = [subprocess.Popen([*_reemud(), "run", "--json", "--out", str(out), "--seed", str(s)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path) for s in range(6)]
    printed = {}
    for seed, proc in enumerate(procs):
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr
        printed[seed] = json.loads(stdout)
    engine = store.connect(store.default_url(out), writable=False)
    runs = store.list_runs(engine)
    assert sorted(r["id"] for r in runs) == list(range(1, 7))  # unique, every run once
    assert sorted(r["seed"] for r in runs) == list(range(6))
    for r in runs:
        assert store.kpis_of(engine, r["id"]) == printed[r["seed"]]["kpis"]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM reemud_schema").scalars().all() == [
            store.SCHEMA_VERSION]
        assert conn.exec_driver_sql("SELECT count(*) FROM scenario").scalar() == 1
    assert not list(out.glob("run-*.json"))  # nothing fell back
    assert not list(out.glob(".*.tmp"))


WRITER = """
import json, sys, time
from pathlib import Path
from reemud import store

url, folder = sys.argv[1], Path(sys.argv[2])
k, n, saves = map(int, sys.argv[3:])
(folder / f"ready-{k}").touch()
while not (folder / "go").exists():
    time.sleep(0.002)
engine = store.connect(url)
ids = [store.save_kpis(engine, sha256="0" * 64, name="race", text="[scenario]", seed=k * saves + i,
                       version="test", kpis={"npv_usd": float(k), "x": {"La": float(i)}})
       for i in range(saves)]
print(json.dumps(ids))
"""


@pytest.mark.slow
def test_writers_released_together_on_a_new_store_store_every_run_once(url, tmp_path):
    """Six processes open one new store at the same instant and write five runs each."""
    n, saves = 6, 5
    gate = tmp_path / "gate"
    gate.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(gate), str(k), str(n),
                               str(saves)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for k in range(n)]
    deadline = time.monotonic() + 120
    while len(list(gate.glob("ready-*"))) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    (gate / "go").touch()  # every writer is imported and waiting: release them at once
    ids = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        ids += json.loads(stdout)
    assert sorted(ids) == list(range(1, n * saves + 1))  # unique, none lost
    engine = store.connect(url, writable=False)
    runs = store.list_runs(engine)
    assert sorted(r["seed"] for r in runs) == list(range(n * saves))
    for r in runs:
        k, i = divmod(r["seed"], saves)
        assert store.kpis_of(engine, r["id"]) == {"npv_usd": float(k), "x": {"La": float(i)}}
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM reemud_schema").scalars().all() == [
            store.SCHEMA_VERSION]
        assert conn.exec_driver_sql("SELECT count(*) FROM scenario").scalar() == 1
    engine.dispose()


# ---------------------------------------------------------------------------------------------
# stores refused before the chain runs


def _corrupt_pages(path: Path, offset: int | None) -> None:
    """Damage every page after the first: one header byte (``offset``) or the whole header."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(page, len(data), page):
        if offset is None:
            data[start:start + 16] = b"\xff" * 16
        else:
            data[start + offset] = (data[start + offset] + 7) % 256
    path.write_bytes(data)


@pytest.mark.parametrize("offset", [None, 1], ids=["malformed", "quick-check"])
def test_corrupted_sqlite_store_refused_before_the_chain(tmp_path, chain_calls, offset):
    out = tmp_path / "out"
    _store_with_runs(store.default_url(out))
    _corrupt_pages(out / store.DB_FILENAME, offset)
    result = runner.invoke(app, ["run", "--json", "--out", str(out)])
    _refused(result, f"the store {store.default_url(out)} is corrupted (",
             "move it away and restore a backup")
    assert chain_calls == []
    listed = runner.invoke(app, ["db", "list", "--out", str(out)])
    _refused(listed, "is corrupted")


def test_file_that_is_not_sqlite_refused(tmp_path, chain_calls):
    out = tmp_path / "out"
    out.mkdir()
    (out / store.DB_FILENAME).write_text("name,value\nnot,a database\n" * 100)
    result = runner.invoke(app, ["run", "--out", str(out)])
    _refused(result, "is not a SQLite database (file is not a database)")
    assert chain_calls == []
    _refused(runner.invoke(app, ["db", "show", "1", "--out", str(out)]),
             "is not a SQLite database")


def test_store_of_another_schema_refused(url, chain_calls, tmp_path):
    _sql(url, "CREATE TABLE run (id INTEGER PRIMARY KEY, foo TEXT)",
         "CREATE TABLE kpi (run_id INTEGER, name TEXT)")
    result = runner.invoke(app, ["run", "--json", "--out", str(tmp_path / "out"), "--db", url])
    _refused(result, "has another schema than reemud's", "table scenario missing",
             "table run lacks created_utc, scenario_name, scenario_sha256, seed, version and has "
             "other columns foo", "table kpi lacks key, position, value")
    assert chain_calls == []
    with pytest.raises(StoreError, match="another schema"):
        store.connect(url, writable=False)  # reading it is refused too


def test_database_of_another_application_refused(url, chain_calls, tmp_path):
    _sql(url, "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
    result = runner.invoke(app, ["run", "--json", "--out", str(tmp_path / "out"), "--db", url])
    _refused(result, "holds other tables (customer) and none of reemud's")
    assert chain_calls == []


def test_store_of_a_newer_schema_version_refused(url, chain_calls, tmp_path):
    store.connect(url).dispose()
    _sql(url, f"UPDATE reemud_schema SET version = {store.SCHEMA_VERSION + 1}")
    result = runner.invoke(app, ["run", "--json", "--out", str(tmp_path / "out"), "--db", url])
    _refused(result, f"has schema version {store.SCHEMA_VERSION + 1}, newer than this reemud "
                     f"reads ({store.SCHEMA_VERSION}); upgrade reemud")
    assert chain_calls == []
    _refused(runner.invoke(app, ["db", "list", "--db", url]), "newer than this reemud reads")


def test_store_with_a_damaged_version_table_refused(url):
    store.connect(url).dispose()
    _sql(url, "INSERT INTO reemud_schema (version) VALUES (1)")
    with pytest.raises(StoreError, match=r"damaged: table reemud_schema must hold one schema "
                                         r"version \(holds 2 row\(s\)\)"):
        store.connect(url)


def test_unwritable_store_path_refused(tmp_path, chain_calls):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    url = f"sqlite:///{blocker / 'sub' / 'reemud.db'}"
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "out"), "--db", url])
    _refused(result, f"cannot open the store {url} (unable to open database file); check that "
                     "its folder exists and that you may write to it")
    assert chain_calls == []


def test_read_only_store_refused_for_a_run_but_readable(tmp_path, chain_calls):
    path = tmp_path / "reemud.db"
    _store_with_runs(f"sqlite:///{path}", n=2)
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "out"), "--db", read_only])
    _refused(result, "is read-only (attempt to write a readonly database)")
    assert chain_calls == []
    listed = runner.invoke(app, ["db", "list", "--db", read_only])
    assert listed.exit_code == 0, listed.output
    assert "test" in listed.stdout


@pytest.mark.db
def test_postgresql_user_who_may_only_read_refused_for_a_run_but_reads(tmp_path, chain_calls):
    pg = pg_url()
    drop_everything(pg)
    role = f"reemud_reader_{os.getpid()}"
    store.connect(pg).dispose()
    _sql(pg, f"CREATE ROLE {role} LOGIN", f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    reader = sa.make_url(pg).set(username=role).render_as_string(hide_password=False)
    try:
        result = runner.invoke(app, ["run", "--out", str(tmp_path / "out"), "--db", reader])
        _refused(result, "refuses this user (permission denied for table reemud_schema)")
        assert chain_calls == []
        listed = runner.invoke(app, ["db", "list", "--db", reader])
        assert listed.exit_code == 0, listed.output
    finally:
        drop_everything(pg)
        _sql(pg, f"DROP OWNED BY {role}", f"DROP ROLE {role}")


def test_out_that_is_a_file_refused(tmp_path, chain_calls):
    out = tmp_path / "out"
    out.write_text("I am a file")
    result = runner.invoke(app, ["run", "--out", str(out)])
    _refused(result, f"--out {out} is a file, not a folder")
    with_db = runner.invoke(app, ["run", "--out", str(out), "--db",
                                  f"sqlite:///{tmp_path / 'elsewhere.db'}"])
    _refused(with_db, f"--out {out} is a file, not a folder")  # the report would go there
    assert chain_calls == []
    assert out.read_text() == "I am a file"


@pytest.mark.parametrize(("db", "said"), [
    ("nosuchdialect://u@h/x", "Can't load plugin: sqlalchemy.dialects:nosuchdialect"),
    ("mysql://u:secret@h/x", "cannot open the store mysql://u:***@h/x: its database driver is "
                             "not installed (No module named 'MySQLdb')"),
    ("no url at all", "cannot open the store 'no url at all': not a SQLAlchemy URL"),
    ("postgresql+psycopg://u:p@127.0.0.1:1/x",
     "cannot open the store postgresql+psycopg://u:***@127.0.0.1:1/x: connection failed"),
], ids=["unknown-dialect", "no-driver", "not-a-url", "unreachable-postgresql"])
def test_store_url_that_cannot_be_opened_refused(tmp_path, chain_calls, db, said):
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "out"), "--db", db])
    _refused(result, said)
    assert "secret" not in result.output
    assert "u:p@" not in result.output
    assert chain_calls == []
    _refused(runner.invoke(app, ["db", "list", "--db", db]), said)


def test_sweep_whose_store_fails_part_way_says_what_is_kept(tmp_path, monkeypatch):
    def failing(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT INTO sweep_chunk ...", {}, Exception("disk full"))

    monkeypatch.setattr("reemud.sweep.run_sweep", failing)
    result = runner.invoke(app, ["sweep", "minamitorishima-2027", "-n", "4", "--out",
                                 str(tmp_path)])
    _refused(result, "failed (OperationalError: disk full); the chunks finished before it are "
                     "stored", "reemud sweep --resume SWEEP_ID")


def test_new_sweep_refuses_a_bad_store_before_any_draw(tmp_path):
    result = runner.invoke(app, ["sweep", "minamitorishima-2027", "-n", "4", "--db",
                                 "nosuchdialect://x"])
    _refused(result, "Can't load plugin: sqlalchemy.dialects:nosuchdialect")


# ---------------------------------------------------------------------------------------------
# a store that fails after the chain has run


def test_store_failing_after_the_run_saves_it_as_json(url, tmp_path, monkeypatch):
    def broken(engine, result):
        raise sa.exc.OperationalError("INSERT INTO run ...", {}, Exception("disk I/O error"))

    monkeypatch.setattr("reemud.store.save_run", broken)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--json", "--out", str(out), "--db", url, "--seed", "3"])
    _refused(result, f"could not store the run in {store.shown_url(url)} (OperationalError: "
                     "disk I/O error); the run is saved in ")
    printed = json.loads(result.stdout)  # the result is printed all the same
    (saved,) = out.glob("run-*.json")
    assert str(saved) in result.stderr
    record = json.loads(saved.read_text())
    assert record["kpis"] == printed["kpis"]
    assert record["kpis"]["npv_usd"] is not None
    assert (record["seed"], record["scenario"]) == (3, "minamitorishima-2027")
    assert record["scenario_sha256"].startswith(saved.stem.rsplit("-", 1)[1])
    assert "[collector]" in record["scenario_text"]
    assert record["store_error"] == "OperationalError: disk I/O error"
    assert (out / "report.html").stat().st_size > 0
    assert not list(out.glob(".*.tmp"))
    engine = store.connect(url)
    assert store.list_runs(engine) == []  # nothing half-stored
    engine.dispose()


def test_run_whose_store_and_fallback_both_fail_prints_its_json(tmp_path, monkeypatch,
                                                                chain_calls, default_result):
    def broken(engine, result):
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk full"))

    def no_room(path, text):
        if path.suffix == ".json":
            raise OSError(28, "No space left on device")
        return path

    monkeypatch.setattr("reemud.store.save_run", broken)
    monkeypatch.setattr("reemud.cli_common.write_text_atomic", no_room)
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "out")])
    _refused(result, "could not store the run in", "nor write it to",
             "(No space left on device); its JSON is above")
    start = result.stderr.index("{")
    record = json.JSONDecoder().raw_decode(result.stderr[start:])[0]
    assert record["kpis"] == default_result.to_dict()["kpis"]
    assert "npv_usd" in result.stdout  # and the summary is printed


def test_report_that_cannot_be_written_still_stores_the_run(tmp_path, chain_calls):
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)  # a folder where the report goes
    result = runner.invoke(app, ["run", "--json", "--out", str(out)])
    _refused(result, f"could not write the report to {out / 'report.html'}")
    engine = store.connect(store.default_url(out))
    assert [r["seed"] for r in store.list_runs(engine)] == [0]
    engine.dispose()
    assert not list(out.glob(".*.tmp"))


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "report.html"
    path.write_text("old report")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(path, "new report, half written")
    assert path.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    monkeypatch.undo()
    assert write_text_atomic(path, "new report").read_text() == "new report"


# ---------------------------------------------------------------------------------------------
# schema version and the upgrade from a store made before it


def _version0_metadata(with_sweeps: bool) -> sa.MetaData:
    """The schema of the stores made before ``reemud_schema`` (commit aa09623, then b8f0382)."""
    md = sa.MetaData()
    sa.Table("scenario", md, sa.Column("sha256", sa.String(64), primary_key=True),
             sa.Column("name", sa.String(200), nullable=False),
             sa.Column("text", sa.Text, nullable=False))
    sa.Table("run", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("scenario_sha256", sa.String(64), sa.ForeignKey("scenario.sha256"),
                       nullable=False),
             sa.Column("scenario_name", sa.String(200), nullable=False),
             sa.Column("seed", sa.Integer, nullable=False),
             sa.Column("version", sa.String(40), nullable=False),
             sa.Column("created_utc", sa.DateTime, nullable=False))
    sa.Table("kpi", md, sa.Column("run_id", sa.Integer, sa.ForeignKey("run.id"), primary_key=True),
             sa.Column("position", sa.Integer, primary_key=True),
             sa.Column("name", sa.String(100), nullable=False),
             sa.Column("key", sa.String(40), nullable=True),
             sa.Column("value", sa.Float, nullable=True))
    if with_sweeps:
        sa.Table("sweep", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("scenario_sha256", sa.String(64), sa.ForeignKey("scenario.sha256"),
                           nullable=False),
                 sa.Column("scenario_name", sa.String(200), nullable=False),
                 sa.Column("n", sa.Integer, nullable=False),
                 sa.Column("method", sa.String(20), nullable=False),
                 sa.Column("seed", sa.Integer, nullable=False),
                 sa.Column("chunk_size", sa.Integer, nullable=False),
                 sa.Column("parameters", sa.Text, nullable=False),
                 sa.Column("version", sa.String(40), nullable=False),
                 sa.Column("created_utc", sa.DateTime, nullable=False))
        sa.Table("sweep_chunk", md,
                 sa.Column("sweep_id", sa.Integer, sa.ForeignKey("sweep.id"), primary_key=True),
                 sa.Column("chunk", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("start", sa.Integer, nullable=False),
                 sa.Column("stop", sa.Integer, nullable=False),
                 sa.Column("payload", sa.LargeBinary, nullable=False))
    return md


@pytest.mark.parametrize("with_sweeps", [False, True], ids=["before-sweeps", "with-sweeps"])
def test_store_without_schema_table_upgraded_to_current_version(url, tmp_path, with_sweeps):
    import datetime as dt

    old = _version0_metadata(with_sweeps)
    raw = _raw(url)
    old.create_all(raw)
    with raw.begin() as conn:
        conn.execute(old.tables["scenario"].insert().values(sha256="a" * 64, name="old",
                                                            text="[deposit]\n"))
        conn.execute(old.tables["run"].insert().values(
            scenario_sha256="a" * 64, scenario_name="old", seed=7, version="0.0.9",
            created_utc=dt.datetime(2026, 1, 2, 3, 4, 5)))
        conn.execute(old.tables["kpi"].insert(), [
            {"run_id": 1, "position": 0, "name": "npv_usd", "key": None, "value": -1.5e9},
            {"run_id": 1, "position": 1, "name": "oxide_t", "key": "Nd", "value": 12.0},
            {"run_id": 1, "position": 2, "name": "oxide_t", "key": "Dy", "value": None}])
    raw.dispose()

    engine = store.connect(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM reemud_schema").scalars().all() == [
            store.SCHEMA_VERSION]
    assert set(sa.inspect(engine).get_table_names()) == set(store.metadata.tables)
    old_run = store.get_run(engine, 1)
    assert (old_run["scenario"], old_run["seed"], old_run["version"]) == ("old", 7, "0.0.9")
    assert old_run["kpis"] == {"npv_usd": -1.5e9, "oxide_t": {"Nd": 12.0, "Dy": None}}
    new_id = store.save_kpis(engine, sha256="a" * 64, name="old", text="[deposit]\n",
                             seed=INT64_MAX, version="test", kpis={"npv_usd": 1.0})
    assert new_id == 2
    assert store.get_run(engine, 2)["seed"] == INT64_MAX  # 64-bit seeds after the upgrade
    sweep_id = store.create_sweep(engine, scenario_sha256="a" * 64, scenario_name="old",
                                  scenario_text="[deposit]\n", n=2, method="lhs", seed=INT64_MAX,
                                  chunk_size=2, parameters=[], version="test")
    assert store.get_sweep(engine, sweep_id)["seed"] == INT64_MAX
    engine.dispose()
    again = store.connect(url)  # a second open finds it current and changes nothing
    assert [r["id"] for r in store.list_runs(again)] == [1, 2]
    again.dispose()


def test_version1_store_gains_the_stated_reasons_and_keeps_its_runs(url, default_result):
    """A store of schema 1 (no ``kpi.note``) is upgraded in place; its runs read as before."""
    import datetime as dt

    old = _version0_metadata(with_sweeps=True)
    sa.Table("reemud_schema", old, sa.Column("version", sa.Integer, nullable=False))
    raw = _raw(url)
    old.create_all(raw)
    with raw.begin() as conn:
        conn.execute(old.tables["reemud_schema"].insert().values(version=1))
        conn.execute(old.tables["scenario"].insert().values(sha256="b" * 64, name="v1",
                                                            text="[deposit]\n"))
        conn.execute(old.tables["run"].insert().values(
            scenario_sha256="b" * 64, scenario_name="v1", seed=3, version="0.1",
            created_utc=dt.datetime(2026, 6, 1)))
        conn.execute(old.tables["kpi"].insert(), [
            {"run_id": 1, "position": 0, "name": "npv_usd", "key": None, "value": 2.0},
            {"run_id": 1, "position": 1, "name": "irr", "key": None, "value": None}])
    raw.dispose()

    engine = store.connect(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM reemud_schema").scalars().all() == [3]
    assert "note" in {c["name"] for c in sa.inspect(engine).get_columns("kpi")}
    assert {"job", "artifact"} <= set(sa.inspect(engine).get_table_names())  # 2 -> 3 as well
    before = store.get_run(engine, 1)
    assert before["kpis"] == {"npv_usd": 2.0, "irr": None}
    assert before["undefined"] == {}  # stored before reasons were: none invented
    new_id = store.save_run(engine, default_result)
    again = store.get_run(engine, new_id)
    assert again["kpis"] == default_result.to_dict()["kpis"]
    assert again["undefined"] == dict(default_result.undefined)
    assert again["undefined"]["irr"] == "none: cash flow never changes sign"
    engine.dispose()


def test_version0_store_missing_a_table_is_not_upgraded(url):
    old = _version0_metadata(with_sweeps=False)
    raw = _raw(url)
    old.tables["scenario"].create(raw)
    old.tables["run"].create(raw)
    raw.dispose()
    with pytest.raises(StoreError, match="another schema than reemud's: table kpi missing"):
        store.connect(url)
    raw = _raw(url)
    assert "reemud_schema" not in sa.inspect(raw).get_table_names()
    raw.dispose()


def test_new_store_has_the_current_version_and_wal(tmp_path):
    engine = store.connect(store.default_url(tmp_path))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version FROM reemud_schema").scalars().all() == [
            store.SCHEMA_VERSION]
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(
            store.SQLITE_BUSY_TIMEOUT_S * 1000)


@pytest.mark.parametrize(("failures", "reason", "tries", "stored"), [
    (2, "database is locked", 3, True),  # a lock that goes away: stored on the third try
    (99, "database is locked", store.RETRY_ATTEMPTS, False),  # a lock that stays: raised
    (99, "disk I/O error", 1, False),  # not a lock: raised at once
], ids=["lock-released", "lock-held", "not-a-lock"])
def test_transaction_retried_while_locked_then_raised(monkeypatch, failures, reason, tries,
                                                      stored):
    monkeypatch.setattr(store, "RETRY_FIRST_DELAY_S", 0.0)
    made = []

    def transaction():
        made.append(1)
        if len(made) <= failures:
            raise sa.exc.OperationalError("INSERT", {}, Exception(reason))
        return "stored"

    if stored:
        assert store.with_retry(transaction) == "stored"
    else:
        with pytest.raises(sa.exc.OperationalError, match=reason):
            store.with_retry(transaction)
    assert len(made) == tries


# ---------------------------------------------------------------------------------------------
# seeds and ids past 64 bits


@pytest.mark.parametrize("args", [
    ["run", "--seed", str(2**64)],
    ["run", "--seed", "-1"],
    ["sweep", "minamitorishima-2027", "--seed", str(2**64)],
    ["sweep", "--resume", str(2**64)],
    ["db", "show", "99999999999999999999"],
    ["db", "compare", "1", "99999999999999999999"],
    ["db", "export", str(2**64), "x.parquet"],
    ["db", "export-netcdf", str(2**64), "x.nc"],
], ids=lambda a: "-".join(a[:2]))
def test_seed_or_id_outside_64_bits_refused_at_the_command_line(tmp_path, args, chain_calls):
    out = tmp_path / "out"
    result = runner.invoke(app, [*args, "--out", str(out)])
    _refused(result, "Invalid value for")
    assert "9223372036854775807" in result.output or "greater than or equal to" in result.output
    assert chain_calls == []
    assert not out.exists()  # refused before anything was created
