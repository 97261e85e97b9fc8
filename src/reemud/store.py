"""Results store (SQLAlchemy): a SQLite file by default, any SQLAlchemy URL (e.g. PostgreSQL).

Tables: ``scenario`` (text by SHA-256), ``run`` (scenario, seed, package version, time) and ``kpi``
(one row per KPI value: name, element key or NULL, value or NULL when undefined). SQLite files are
opened in WAL mode. ``kpis_of(run_id)`` rebuilds exactly the KPI dict the run printed;
``get_runs(ids)`` reads several runs at once (``reemud db compare``).

Sweeps: ``sweep`` (scenario, n, sampler, seed, chunk size, uncertain parameters) and
``sweep_chunk`` (one row per finished chunk of draws, keyed by (sweep, chunk index) so a chunk
can never be stored twice; the draws travel as one compressed NumPy ``.npz`` blob per chunk —
a bulk insert of whole arrays instead of a row per value). ``sweep_frame`` rebuilds every draw
in draw order; ``export_draws`` writes it as Parquet.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

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
    func,
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


def _ensure_scenario(conn, sha256: str, name: str, text: str) -> None:
    exists = conn.execute(select(scenario_table.c.sha256).where(
        scenario_table.c.sha256 == sha256)).first()
    if exists is None:
        conn.execute(insert(scenario_table).values(sha256=sha256, name=name, text=text))


def save_run(engine: Engine, result: ChainResult) -> int:
    """Store a run with its scenario text and KPIs; return the new run id."""
    sc = result.scenario
    return save_kpis(engine, sha256=sc.sha256, name=sc.name, text=sc.text, seed=result.seed,
                     version=result.version, kpis=result.kpis)


def save_kpis(engine: Engine, *, sha256: str, name: str, text: str, seed: int, version: str,
              kpis: Mapping[str, object]) -> int:
    """Store any run (a chain run, a market disruption run) by its scenario and KPIs; its id."""
    with engine.begin() as conn:
        _ensure_scenario(conn, sha256, name, text)
        run_id = conn.execute(insert(run_table).values(
            scenario_sha256=sha256, scenario_name=name, seed=seed, version=version,
            created_utc=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )).inserted_primary_key[0]
        rows = [{"run_id": run_id, **row} for row in _kpi_rows(kpis)]
        if rows:
            conn.execute(insert(kpi_table), rows)
    return int(run_id)


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


def kpis_of(engine: Engine, run_id: int) -> dict[str, object]:
    """The KPIs of a stored run, in the order and shape the run produced them."""
    with engine.connect() as conn:
        rows = conn.execute(select(kpi_table).where(kpi_table.c.run_id == run_id)
                            .order_by(kpi_table.c.position)).mappings().all()
    return _kpis_from_rows(rows)


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


def get_runs(engine: Engine, run_ids: Sequence[int]) -> list[dict]:
    """Several stored runs (e.g. to compare them), in the order of ``run_ids``.

    Each is ``{"id", "scenario", "seed", "version", "created_utc", "scenario_sha256", "kpis"}``
    with ``kpis`` as ``kpis_of`` gives them; an id may be repeated. Two queries whatever the
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
                    "kpis": _kpis_from_rows(by_run[int(i)])})
    return out


# ---------------------------------------------------------------------------------------------
# sweeps


def create_sweep(engine: Engine, *, scenario_sha256: str, scenario_name: str, scenario_text: str,
                 n: int, method: str, seed: int, chunk_size: int, parameters: list[str],
                 version: str) -> int:
    """Register a sweep before any draw runs; return its id."""
    with engine.begin() as conn:
        _ensure_scenario(conn, scenario_sha256, scenario_name, scenario_text)
        return int(conn.execute(insert(sweep_table).values(
            scenario_sha256=scenario_sha256, scenario_name=scenario_name, n=n, method=method,
            seed=seed, chunk_size=chunk_size, parameters=json.dumps(parameters), version=version,
            created_utc=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )).inserted_primary_key[0])


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

    try:
        with engine.begin() as conn:
            conn.execute(insert(sweep_chunk_table).values(sweep_id=sweep_id, chunk=chunk,
                                                          start=start, stop=stop,
                                                          payload=payload))
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
