"""Results store (SQLAlchemy): a SQLite file by default, any SQLAlchemy URL (e.g. PostgreSQL).

Tables: ``scenario`` (text by SHA-256), ``run`` (scenario, seed, package version, time) and ``kpi``
(one row per KPI value: name, element key or NULL, value or NULL when undefined, and then the
run's stated reason in ``note``). SQLite files are opened in WAL mode. ``kpis_of(run_id)``
rebuilds exactly the KPI dict the run printed, ``undefined_of(run_id)`` the reasons;
``get_runs(ids)`` reads several runs at once (``reemud db compare``).

Sweeps: ``sweep`` (scenario, n, sampler, seed, chunk size, uncertain parameters) and
``sweep_chunk`` (one row per finished chunk of draws, keyed by (sweep, chunk index) so a chunk
can never be stored twice; the draws travel as one compressed NumPy ``.npz`` blob per chunk —
a bulk insert of whole arrays instead of a row per value). ``sweep_frame`` rebuilds every draw
in draw order; ``export_draws`` writes it as Parquet.

Opening a store (``connect``) checks it before anything is computed and raises ``StoreError``
(one line: the store, what is wrong, what to do) for a URL without a dialect or driver, a server
that cannot be reached, a SQLite file that cannot be created or written, is not a database or
fails ``PRAGMA quick_check``, tables that are not reemud's, and a schema version newer than
``SCHEMA_VERSION``. ``reemud_schema`` holds the version in one row; a store without it (made
before the table existed: version 0) is upgraded in place. Creating and upgrading the schema
runs under a lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so processes opening
one new store together create it once; a SQLite writer waits up to ``SQLITE_BUSY_TIMEOUT_S`` for
another's lock, and a transaction that still meets a lock (or a lost creation race) is retried
``RETRY_ATTEMPTS`` times with a doubling back-off before its error is raised.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    false,
    func,
    insert,
    inspect,
    make_url,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from reemud.errors import StoreError

if TYPE_CHECKING:  # only a type here: opening a store does not load the chain
    from reemud.chain import ChainResult

DB_FILENAME = "reemud.db"

metadata = MetaData()

scenario_table = Table(
    "scenario", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("text", Text, nullable=False),
)

run_table = Table(
    "run", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scenario_sha256", String(64), ForeignKey("scenario.sha256"), nullable=False),
    Column("scenario_name", String(200), nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("version", String(40), nullable=False),
    Column("created_utc", DateTime, nullable=False),
)

kpi_table = Table(
    "kpi", metadata,
    Column("run_id", Integer, ForeignKey("run.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("key", String(40), nullable=True),
    Column("value", Float, nullable=True),
    Column("note", Text, nullable=True),  # why the value is undefined, as the run stated it
)


sweep_table = Table(
    "sweep", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scenario_sha256", String(64), ForeignKey("scenario.sha256"), nullable=False),
    Column("scenario_name", String(200), nullable=False),
    Column("n", Integer, nullable=False),
    Column("method", String(20), nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("chunk_size", Integer, nullable=False),
    Column("parameters", Text, nullable=False),
    Column("version", String(40), nullable=False),
    Column("created_utc", DateTime, nullable=False),
)

sweep_chunk_table = Table(
    "sweep_chunk", metadata,
    Column("sweep_id", Integer, ForeignKey("sweep.id"), primary_key=True),
    Column("chunk", Integer, primary_key=True, autoincrement=False),
    Column("start", Integer, nullable=False),
    Column("stop", Integer, nullable=False),
    Column("payload", LargeBinary, nullable=False),
)


job_table = Table(
    "job", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),  # run, mc, market (reemud.web.tasks.KINDS)
    Column("status", String(12), nullable=False),  # queued, running, done, failed
    Column("client", String(64), nullable=False),
    Column("scenario_name", String(200), nullable=False),
    Column("scenario_text", Text, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("options", Text, nullable=False),  # JSON: the kind's own settings (draws, preset)
    Column("progress", Float, nullable=False),  # 0 to 1
    Column("message", Text, nullable=False),
    Column("lease", String(32), nullable=True),  # the claim of the worker now running it
    Column("attempts", Integer, nullable=False),
    Column("run_id", Integer, ForeignKey("run.id"), nullable=True),
    Column("sweep_id", Integer, ForeignKey("sweep.id"), nullable=True),
    Column("error", Text, nullable=True),
    Column("created_utc", DateTime, nullable=False),
    Column("started_utc", DateTime, nullable=True),
    Column("finished_utc", DateTime, nullable=True),
)

artifact_table = Table(
    "artifact", metadata,
    Column("job_id", Integer, ForeignKey("job.id"), primary_key=True),
    Column("name", String(60), primary_key=True),
    Column("media_type", String(80), nullable=False),
    Column("payload", LargeBinary, nullable=False),  # zlib-compressed bytes
)

schema_table = Table(
    "reemud_schema", metadata,
    Column("version", Integer, nullable=False),
)

SCHEMA_VERSION = 3
"""Version of the schema above, held in the one row of ``reemud_schema``.

0: a store made before ``reemud_schema`` existed (``run.seed`` a 32-bit integer on PostgreSQL,
and the oldest have no ``sweep``/``sweep_chunk`` tables). 1: ``reemud_schema`` and 64-bit seeds.
2: ``kpi.note``, the stated reason of an undefined KPI. 3: the web app's ``job`` queue and the
``artifact`` files its jobs made.
"""

COLUMNS_SINCE = {("kpi", "note"): 2}
"""Columns added after version 1: ``(table, column) -> the schema version that added it``."""

TABLES_SINCE = {"job": 3, "artifact": 3}
"""Tables added after version 1: ``table -> the schema version that added it``."""

LEGACY_TABLES = ("scenario", "run", "kpi")
"""The tables every version-0 store has (the sweep tables came later)."""

SQLITE_BUSY_TIMEOUT_S = 30.0
"""How long a SQLite connection waits for another process's lock before ``database is locked``."""

PG_CONNECT_TIMEOUT_S = 10
"""How long opening a PostgreSQL store waits for the server to answer [s]."""

RETRY_ATTEMPTS = 6
"""Tries of a store transaction that meets a lock or a lost creation race before it fails."""

RETRY_FIRST_DELAY_S = 0.05
"""Back-off before the second try; it doubles each try (about 1.6 s in all, spread by process)."""

_SCHEMA_LOCK = 0x7265656D7564  # "reemud" in ASCII: the PostgreSQL advisory lock of schema set-up

_TRANSIENT = ("database is locked", "database table is locked", "database schema has changed",
              "already exists", "deadlock detected", "could not serialize access",
              "pg_type_typname_nsp_index")

T = TypeVar("T")


def default_url(out_dir: str | Path) -> str:
    """SQLite URL of the store file in an output folder."""
    return f"sqlite:///{Path(out_dir) / DB_FILENAME}"


def shown_url(url: str) -> str:
    """A store URL fit to print: its password hidden."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # not a URL: hide whatever sits between ':' and '@'
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)
    return url if parsed.password is None else parsed.render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    """The driver's own words for an error, on one line."""
    orig = getattr(exc, "orig", None) or exc
    words = " ".join(str(orig).split())
    return words or type(orig).__name__


def failure(exc: BaseException) -> str:
    """What went wrong, on one line: ``"OperationalError: disk I/O error"``."""
    return f"{type(exc).__name__}: {_reason(exc)}"


def _transient(exc: BaseException) -> bool:
    """True for errors a retry can cure: a lock held by another process, a lost creation race."""
    return isinstance(exc, DBAPIError) and any(t in _reason(exc).lower() for t in _TRANSIENT)


def with_retry(action: Callable[[], T]) -> T:
    """Run a store transaction, again (``RETRY_ATTEMPTS`` in all) while it fails transiently."""
    delay = RETRY_FIRST_DELAY_S * (1 + (os.getpid() % 8) / 8)  # processes spread their retries
    for attempt in range(1, RETRY_ATTEMPTS + 1):
        try:
            return action()
        except DBAPIError as exc:
            if attempt == RETRY_ATTEMPTS or not _transient(exc):
                raise
        time.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")  # pragma: no cover


def _engine_for(url: str, pooled: bool) -> Engine:
    """A SQLAlchemy engine for ``url`` (nothing connects yet); StoreError if it cannot be built."""
    example = "such as sqlite:///out/reemud.db or postgresql+psycopg://user@host/reemud"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"cannot open the store {shown_url(url)!r}: not a SQLAlchemy URL "
                         f"({_reason(exc)}); give a URL {example}") from None
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite" and "timeout" not in parsed.query:
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT_S
    if (parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in
            ("psycopg", "psycopg2") and "connect_timeout" not in parsed.query):
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    try:
        engine = create_engine(parsed, connect_args=connect_args,
                               **({} if pooled else {"poolclass": NullPool}))
    except ImportError as exc:  # the dialect is known, its driver is not installed
        raise StoreError(f"cannot open the store {shown_url(url)}: its database driver is not "
                         f"installed ({_reason(exc)}); install it or give a URL {example}"
                         ) from None
    except ArgumentError as exc:  # NoSuchModuleError included: an unknown dialect
        raise StoreError(f"cannot open the store {shown_url(url)}: {_reason(exc)}; give a URL "
                         f"{example}") from None
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection, _record):  # pragma: no branch - tiny hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    return engine


def _open_failure(url: str, exc: SQLAlchemyError) -> StoreError:
    """The one-line StoreError for a driver error met while opening ``url``."""
    reason, where = _reason(exc), shown_url(url)
    low = reason.lower()
    if "file is not a database" in low:
        return StoreError(f"the store {where} is not a SQLite database ({reason}); give --out a "
                          "new folder or --db another store, or move the file away")
    if "malformed" in low or "corrupt" in low:
        return StoreError(f"the store {where} is corrupted ({reason}); move it away and restore "
                          "a backup (a new store is created where none is)")
    if "readonly" in low or "read-only" in low:
        return StoreError(f"the store {where} is read-only ({reason}); make it writable or give "
                          "another --out/--db")
    if "permission denied" in low:
        return StoreError(f"the store {where} refuses this user ({reason}); grant it the right "
                          "to read and write reemud's tables or give another --db")
    if "unable to open database file" in low:
        return StoreError(f"cannot open the store {where} ({reason}); check that its folder "
                          "exists and that you may write to it")
    return StoreError(f"cannot open the store {where}: {reason}; check the URL and that the "
                      "database server runs and accepts this user")


def _check_integrity(conn: Connection, url: str) -> None:
    """StoreError unless SQLite's ``PRAGMA quick_check`` finds the file sound."""
    found = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
    if found != ["ok"]:
        lines = [line.strip() for row in found for line in str(row).splitlines()
                 if line.strip() and not line.startswith("***")]
        said = "; ".join(lines[:2]) + (f"; and {len(lines) - 2} more" if len(lines) > 2 else "")
        raise StoreError(f"the store {shown_url(url)} is corrupted (PRAGMA quick_check: {said}); "
                         "move it away and restore a backup (a new store is created where none "
                         "is)")


def _schema_version(conn: Connection, url: str) -> int | None:
    """The schema version of the store (None: no table of ours yet); StoreError if not ours."""
    where = shown_url(url)
    inspector = inspect(conn)
    present = set(inspector.get_table_names())
    ours = present & set(metadata.tables)
    if not ours:
        if present:
            raise StoreError(f"the store {where} holds other tables ({', '.join(sorted(present))}) "
                             "and none of reemud's; give --db an empty database or a reemud store")
        return None
    version = 0
    if schema_table.name in ours:
        columns = {c["name"] for c in inspector.get_columns(schema_table.name)}
        rows = (conn.execute(select(schema_table.c.version)).scalars().all()
                if "version" in columns else [])
        if len(rows) != 1 or rows[0] is None:
            raise StoreError(f"the store {where} is damaged: table reemud_schema must hold one "
                             f"schema version (holds {len(rows)} row(s)); restore a backup")
        version = int(rows[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"the store {where} has schema version {version}, newer than this "
                             f"reemud reads ({SCHEMA_VERSION}); upgrade reemud "
                             "(pip install -U reemud) or give another --out/--db")
    required = ({t for t in metadata.tables if TABLES_SINCE.get(t, 0) <= version} if version
                else set(LEGACY_TABLES))
    problems = [f"table {t} missing" for t in sorted(required - ours)]
    for name in sorted(ours):
        have = {c["name"] for c in inspector.get_columns(name)}
        want = {c for c in metadata.tables[name].c.keys()
                if COLUMNS_SINCE.get((name, c), 0) <= version}
        if have != want:
            lacks, extra = sorted(want - have), sorted(have - want)
            problems.append(f"table {name}"
                            + (f" lacks {', '.join(lacks)}" if lacks else "")
                            + (" and" if lacks and extra else "")
                            + (f" has other columns {', '.join(extra)}" if extra else ""))
    if problems:
        raise StoreError(f"the store {where} has another schema than reemud's: "
                         f"{'; '.join(problems)}; give another --out/--db")
    return version


def _upgrade_0_to_1(conn: Connection) -> None:
    """Add the tables a version-0 store may lack and widen its seeds to 64 bits (PostgreSQL)."""
    metadata.create_all(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":  # SQLite integers are 64-bit whatever their type
        for table in (run_table, sweep_table):
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ALTER COLUMN seed TYPE BIGINT")


def _upgrade_1_to_2(conn: Connection) -> None:
    """Add ``kpi.note``: runs stored before it have no stated reasons (NULL)."""
    conn.exec_driver_sql("ALTER TABLE kpi ADD COLUMN note TEXT")


def _upgrade_2_to_3(conn: Connection) -> None:
    """Add the web app's ``job`` and ``artifact`` tables."""
    metadata.create_all(conn, tables=[job_table, artifact_table], checkfirst=True)


UPGRADES: dict[int, Callable[[Connection], None]] = {0: _upgrade_0_to_1, 1: _upgrade_1_to_2,
                                                     2: _upgrade_2_to_3}
"""``UPGRADES[v]`` takes a store of schema version v to v + 1, inside the set-up transaction."""


def _set_up(conn: Connection, version: int | None) -> None:
    """Create the schema in an empty store, or upgrade it to ``SCHEMA_VERSION``."""
    if version is None:
        metadata.create_all(conn, checkfirst=True)
        conn.execute(insert(schema_table).values(version=SCHEMA_VERSION))
        return
    for v in range(version, SCHEMA_VERSION):
        UPGRADES[v](conn)
    if version == 0:
        conn.execute(insert(schema_table).values(version=SCHEMA_VERSION))
    else:
        conn.execute(update(schema_table).values(version=SCHEMA_VERSION))


def _prepare(engine: Engine, url: str, writable: bool) -> None:
    """Check the store; create or upgrade its schema under a lock; try a write if ``writable``."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:  # a first look, with no lock
        if sqlite:
            _check_integrity(conn, url)
        version = _schema_version(conn, url)
        conn.rollback()
    if version == SCHEMA_VERSION and not writable:
        return
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # one writer at a time, from here on
        elif engine.dialect.name == "postgresql":
            conn.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        version = _schema_version(conn, url)  # again: another process may have set it up
        if version != SCHEMA_VERSION:
            _set_up(conn, version)
        elif writable:  # an update of no row: refused all the same by a read-only store
            conn.execute(update(schema_table).where(false()).values(version=SCHEMA_VERSION))
        conn.commit()


def connect(url: str, *, writable: bool = True, pooled: bool = True) -> Engine:
    """Open the store at a SQLAlchemy URL, creating or upgrading its schema; SQLite uses WAL.

    Everything that would make the store unusable is found here, before a result is computed:
    ``StoreError`` says what and what to do (see the module's docstring). ``writable=False``
    (reading only) skips the test write, so a read-only store can be read. ``pooled=False``
    closes each connection when its transaction ends (a command line keeps none open).
    """
    engine = _engine_for(url, pooled)
    try:
        with_retry(lambda: _prepare(engine, url, writable))
    except StoreError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise _open_failure(url, exc) from None
    return engine


def _kpi_rows(kpis: Mapping[str, object], undefined: Mapping[str, str]):
    position = 0
    for name, value in kpis.items():
        items = value.items() if isinstance(value, Mapping) else [(None, value)]
        for key, v in items:
            yield {"position": position, "name": name, "key": key,
                   "value": None if v is None else float(v),
                   "note": undefined.get(name) if v is None and key is None else None}
            position += 1


def _ensure_scenario(conn, sha256: str, name: str, text: str) -> None:
    """Store a scenario's text once, whichever of several writers gets there first."""
    values = {"sha256": sha256, "name": name, "text": text}
    if conn.dialect.name in ("sqlite", "postgresql"):
        dialect = import_module(f"sqlalchemy.dialects.{conn.dialect.name}")
        conn.execute(dialect.insert(scenario_table).values(**values)
                     .on_conflict_do_nothing(index_elements=["sha256"]))
        return
    exists = conn.execute(select(scenario_table.c.sha256).where(
        scenario_table.c.sha256 == sha256)).first()
    if exists is None:
        conn.execute(insert(scenario_table).values(**values))


def save_run(engine: Engine, result: ChainResult) -> int:
    """Store a run with its scenario text and KPIs; return the new run id."""
    sc = result.scenario
    return save_kpis(engine, sha256=sc.sha256, name=sc.name, text=sc.text, seed=result.seed,
                     version=result.version, kpis=result.kpis, undefined=result.undefined)


def save_kpis(engine: Engine, *, sha256: str, name: str, text: str, seed: int, version: str,
              kpis: Mapping[str, object], undefined: Mapping[str, str] | None = None) -> int:
    """Store any run (a chain run, a market disruption run) by its scenario and KPIs; its id.

    ``undefined`` gives the stated reason of KPIs that are ``None``. One transaction: the run is
    stored whole or not at all (retried while another writer holds the lock, see
    ``with_retry``).
    """
    def store() -> int:
        with engine.begin() as conn:
            return insert_run(conn, sha256=sha256, name=name, text=text, seed=seed,
                              version=version, kpis=kpis, undefined=undefined)

    return with_retry(store)


def insert_run(conn: Connection, *, sha256: str, name: str, text: str, seed: int, version: str,
               kpis: Mapping[str, object], undefined: Mapping[str, str] | None = None) -> int:
    """Insert a run, its scenario text (once) and its KPIs in the open transaction; its id.

    ``save_kpis`` is this in a transaction of its own; the web app's job queue calls it in the
    transaction that also marks the job done, so a run and its job are stored together or not.
    """
    rows = list(_kpi_rows(kpis, undefined or {}))
    _ensure_scenario(conn, sha256, name, text)
    run_id = conn.execute(insert(run_table).values(
        scenario_sha256=sha256, scenario_name=name, seed=seed, version=version,
        created_utc=now_utc(),
    )).inserted_primary_key[0]
    if rows:
        conn.execute(insert(kpi_table), [{"run_id": run_id, **row} for row in rows])
    return int(run_id)


def now_utc() -> dt.datetime:
    """The time now in UTC, without a time zone (as the store's ``DateTime`` columns hold it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def list_runs(engine: Engine) -> list[dict]:
    """Every stored run: id, scenario name, seed, version, time, scenario hash."""
    with engine.connect() as conn:
        rows = conn.execute(select(run_table).order_by(run_table.c.id)).mappings().all()
    return [dict(r) for r in rows]


def _kpis_from_rows(rows) -> dict[str, object]:
    """KPI rows (in position order) back to the run's dict of floats and per-key maps."""
    kpis: dict[str, object] = {}
    for r in rows:
        if r["key"] is None:
            kpis[r["name"]] = r["value"]
        else:
            kpis.setdefault(r["name"], {})[r["key"]] = r["value"]
    return kpis


def _undefined_from_rows(rows) -> dict[str, str]:
    """The stated reasons of a run's undefined KPIs, from its KPI rows."""
    return {r["name"]: r["note"] for r in rows if r["note"] is not None}


def _kpi_rows_of(engine: Engine, run_id: int) -> list:
    with engine.connect() as conn:
        return conn.execute(select(kpi_table).where(kpi_table.c.run_id == run_id)
                            .order_by(kpi_table.c.position)).mappings().all()


def kpis_of(engine: Engine, run_id: int) -> dict[str, object]:
    """The KPIs of a stored run, in the order and shape the run produced them."""
    return _kpis_from_rows(_kpi_rows_of(engine, run_id))


def undefined_of(engine: Engine, run_id: int) -> dict[str, str]:
    """Why each undefined KPI of a stored run is undefined (``{}`` for runs stored before v2)."""
    return _undefined_from_rows(_kpi_rows_of(engine, run_id))


def get_run(engine: Engine, run_id: int) -> dict | None:
    """A stored run as ``{"scenario", "seed", "version", "kpis", "undefined"}`` plus its record.

    None if there is no such run.
    """
    with engine.connect() as conn:
        row = conn.execute(select(run_table).where(run_table.c.id == run_id)).mappings().first()
        if row is None:
            return None
        text = conn.execute(select(scenario_table.c.text).where(
            scenario_table.c.sha256 == row["scenario_sha256"])).scalar_one()
    rows = _kpi_rows_of(engine, run_id)
    return {"id": row["id"], "scenario": row["scenario_name"], "seed": row["seed"],
            "version": row["version"], "created_utc": row["created_utc"].isoformat(),
            "scenario_sha256": row["scenario_sha256"], "scenario_text": text,
            "kpis": _kpis_from_rows(rows), "undefined": _undefined_from_rows(rows)}


def get_runs(engine: Engine, run_ids: Sequence[int]) -> list[dict]:
    """Several stored runs (e.g. to compare them), in the order of ``run_ids``.

    Each is ``{"id", "scenario", "seed", "version", "created_utc", "scenario_sha256", "kpis",
    "undefined"}`` with ``kpis`` as ``kpis_of`` gives them; an id may be repeated. Two queries whatever the
    number of runs. ``ValueError`` names every id not in the store.
    """
    wanted = sorted({int(i) for i in run_ids})
    with engine.connect() as conn:
        runs = {r["id"]: r for r in conn.execute(
            select(run_table).where(run_table.c.id.in_(wanted))).mappings()}
        missing = [i for i in wanted if i not in runs]
        if missing:
            ids = ", ".join(map(str, missing))
            raise ValueError(f"no run with id{'s' if len(missing) > 1 else ''} {ids} in the store; "
                             "`reemud db list` lists them")
        rows = conn.execute(select(kpi_table).where(kpi_table.c.run_id.in_(wanted))
                            .order_by(kpi_table.c.run_id, kpi_table.c.position)).mappings().all()
    by_run: dict[int, list] = {i: [] for i in wanted}
    for r in rows:
        by_run[r["run_id"]].append(r)
    out = []
    for i in run_ids:
        row = runs[int(i)]
        out.append({"id": row["id"], "scenario": row["scenario_name"], "seed": row["seed"],
                    "version": row["version"], "created_utc": row["created_utc"].isoformat(),
                    "scenario_sha256": row["scenario_sha256"],
                    "kpis": _kpis_from_rows(by_run[int(i)]),
                    "undefined": _undefined_from_rows(by_run[int(i)])})
    return out


# ---------------------------------------------------------------------------------------------
# sweeps


def create_sweep(engine: Engine, *, scenario_sha256: str, scenario_name: str, scenario_text: str,
                 n: int, method: str, seed: int, chunk_size: int, parameters: list[str],
                 version: str) -> int:
    """Register a sweep before any draw runs; return its id."""
    def store() -> int:
        with engine.begin() as conn:
            _ensure_scenario(conn, scenario_sha256, scenario_name, scenario_text)
            return int(conn.execute(insert(sweep_table).values(
                scenario_sha256=scenario_sha256, scenario_name=scenario_name, n=n,
                method=method, seed=seed, chunk_size=chunk_size,
                parameters=json.dumps(parameters), version=version,
                created_utc=now_utc(),
            )).inserted_primary_key[0])

    return with_retry(store)


def get_sweep(engine: Engine, sweep_id: int) -> dict | None:
    """A sweep's settings and scenario text, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(sweep_table).where(sweep_table.c.id == sweep_id)
                           ).mappings().first()
        if row is None:
            return None
        text = conn.execute(select(scenario_table.c.text).where(
            scenario_table.c.sha256 == row["scenario_sha256"])).scalar_one()
    return {**dict(row), "parameters": json.loads(row["parameters"]), "scenario_text": text}


def list_sweeps(engine: Engine) -> list[dict]:
    """Every sweep: settings plus the number of draws stored so far."""
    stored = (select(sweep_chunk_table.c.sweep_id,
                     func.sum(sweep_chunk_table.c.stop - sweep_chunk_table.c.start).label("d"))
              .group_by(sweep_chunk_table.c.sweep_id).subquery())
    query = (select(sweep_table, func.coalesce(stored.c.d, 0).label("stored"))
             .outerjoin(stored, stored.c.sweep_id == sweep_table.c.id).order_by(sweep_table.c.id))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def done_chunks(engine: Engine, sweep_id: int) -> set[int]:
    """Indices of the chunks of a sweep already stored."""
    with engine.connect() as conn:
        return set(conn.execute(select(sweep_chunk_table.c.chunk).where(
            sweep_chunk_table.c.sweep_id == sweep_id)).scalars())


def pack(arrays: Mapping[str, np.ndarray]) -> bytes:
    """Arrays as one compressed ``.npz`` blob."""
    buf = io.BytesIO()
    np.savez_compressed(buf, **{k: np.asarray(v) for k, v in arrays.items()})
    return buf.getvalue()


def unpack(blob: bytes) -> dict[str, np.ndarray]:
    """The arrays of a ``pack`` blob."""
    with np.load(io.BytesIO(blob)) as data:
        return {k: data[k] for k in data.files}


def save_chunk(engine: Engine, sweep_id: int, chunk: int, start: int, stop: int,
               payload: bytes) -> bool:
    """Store a finished chunk; False (and nothing written) if it was already stored."""
    from sqlalchemy.exc import IntegrityError

    def store() -> None:
        with engine.begin() as conn:
            conn.execute(insert(sweep_chunk_table).values(sweep_id=sweep_id, chunk=chunk,
                                                          start=start, stop=stop,
                                                          payload=payload))

    try:
        with_retry(store)
    except IntegrityError:  # the chunk is stored already, or the sweep does not exist
        with engine.connect() as conn:
            known = conn.execute(select(sweep_table.c.id).where(
                sweep_table.c.id == sweep_id)).first()
        if known is None:
            raise ValueError(f"no sweep {sweep_id} in the store to add chunk {chunk} to") from None
        return False
    return True


def sweep_arrays(engine: Engine, sweep_id: int) -> dict[str, np.ndarray]:
    """Every stored draw of a sweep in draw order: ``draw`` index plus one array per column."""
    with engine.connect() as conn:
        rows = conn.execute(select(sweep_chunk_table).where(
            sweep_chunk_table.c.sweep_id == sweep_id).order_by(sweep_chunk_table.c.start)).all()
    parts = [unpack(r.payload) for r in rows]
    if not parts:
        return {"draw": np.zeros(0, dtype=np.int64)}
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def export_draws(engine: Engine, sweep_id: int, path: str | Path) -> Path:
    """Write every stored draw of a sweep to a Parquet file (pyarrow); return the path."""
    import pandas as pd

    from reemud.elements import REY

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = {}
    for name, values in sweep_arrays(engine, sweep_id).items():
        if values.ndim == 2:  # a per-element KPI: one column per element, "out:kpi[Nd]"
            columns.update({f"{name}[{s}]": values[:, i] for i, s in enumerate(REY)})
        else:
            columns[name] = values
    pd.DataFrame(columns).to_parquet(path, index=False)
    return path
