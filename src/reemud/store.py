"""Results store (SQLAlchemy): a SQLite file by default, any SQLAlchemy URL (e.g. PostgreSQL).

Tables: ``scenario`` (text by SHA-256), ``run`` (scenario, seed, package version, time) and ``kpi``
(one row per KPI value: name, element key or NULL, value or NULL when undefined). SQLite files are
opened in WAL mode. ``kpis_of(run_id)`` rebuilds exactly the KPI dict the run printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Engine

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
    Column("seed", Integer, nullable=False),
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
)


def default_url(out_dir: str | Path) -> str:
    """SQLite URL of the store file in an output folder."""
    return f"sqlite:///{Path(out_dir) / DB_FILENAME}"


def connect(url: str) -> Engine:
    """Open (and create if needed) the store at a SQLAlchemy URL; SQLite uses WAL."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection, _record):  # pragma: no branch - tiny hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
    metadata.create_all(engine)
    return engine


def _kpi_rows(kpis: Mapping[str, object]):
    position = 0
    for name, value in kpis.items():
        items = value.items() if isinstance(value, Mapping) else [(None, value)]
        for key, v in items:
            yield {"position": position, "name": name, "key": key,
                   "value": None if v is None else float(v)}
            position += 1


def save_run(engine: Engine, result: ChainResult) -> int:
    """Store a run with its scenario text and KPIs; return the new run id."""
    sc = result.scenario
    with engine.begin() as conn:
        exists = conn.execute(select(scenario_table.c.sha256).where(
            scenario_table.c.sha256 == sc.sha256)).first()
        if exists is None:
            conn.execute(insert(scenario_table).values(sha256=sc.sha256, name=sc.name,
                                                       text=sc.text))
        run_id = conn.execute(insert(run_table).values(
            scenario_sha256=sc.sha256, scenario_name=sc.name, seed=result.seed,
            version=result.version, created_utc=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )).inserted_primary_key[0]
        rows = [{"run_id": run_id, **row} for row in _kpi_rows(result.kpis)]
        conn.execute(insert(kpi_table), rows)
    return int(run_id)


def list_runs(engine: Engine) -> list[dict]:
    """Every stored run: id, scenario name, seed, version, time, scenario hash."""
    with engine.connect() as conn:
        rows = conn.execute(select(run_table).order_by(run_table.c.id)).mappings().all()
    return [dict(r) for r in rows]


def kpis_of(engine: Engine, run_id: int) -> dict[str, object]:
    """The KPIs of a stored run, in the order and shape the run produced them."""
    with engine.connect() as conn:
        rows = conn.execute(select(kpi_table).where(kpi_table.c.run_id == run_id)
                            .order_by(kpi_table.c.position)).mappings().all()
    kpis: dict[str, object] = {}
    for r in rows:
        if r["key"] is None:
            kpis[r["name"]] = r["value"]
        else:
            kpis.setdefault(r["name"], {})[r["key"]] = r["value"]
    return kpis


def get_run(engine: Engine, run_id: int) -> dict | None:
    """A stored run as ``{"scenario", "seed", "version", "kpis"}`` plus its record, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(run_table).where(run_table.c.id == run_id)).mappings().first()
        if row is None:
            return None
        text = conn.execute(select(scenario_table.c.text).where(
            scenario_table.c.sha256 == row["scenario_sha256"])).scalar_one()
    return {"id": row["id"], "scenario": row["scenario_name"], "seed": row["seed"],
            "version": row["version"], "created_utc": row["created_utc"].isoformat(),
            "scenario_sha256": row["scenario_sha256"], "scenario_text": text,
            "kpis": kpis_of(engine, run_id)}
