"""What every ``reemud`` command shares: the consoles and the one way bad input is reported."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import numpy as np
import typer
from rich.console import Console, ConsoleDimensions
from rich.markup import escape

from reemud.errors import SHOWN_PROBLEMS, ScenarioError, StoreError, more_problems

PIPE_WIDTH = 200
"""Width of tables written to a pipe or a file when ``COLUMNS`` is not set (a terminal uses its
own width): wide enough that no table is cut to rich's default of 80 columns."""


class _ResultConsole(Console):
    """The console of results.

    The terminal's width (or ``COLUMNS``), ``PIPE_WIDTH`` when writing to a pipe or a file;
    decided at every print, as rich decides a terminal's width.
    """

    @property
    def size(self) -> ConsoleDimensions:
        size = Console.size.fget(self)
        if self._width is None and not self.is_terminal and "COLUMNS" not in os.environ:
            return ConsoleDimensions(PIPE_WIDTH, size.height)
        return size

    @size.setter
    def size(self, new_size) -> None:
        Console.size.fset(self, new_size)


out_console = _ResultConsole()
err_console = Console(stderr=True, soft_wrap=True)

INT64_MAX = 2**63 - 1
"""The largest seed or id the store holds (a signed 64-bit integer); the CLI refuses larger."""


def fail_line(message: str) -> NoReturn:
    """Print one red line on stderr and exit 2."""
    err_console.print(f"[bold red]{escape(message)}[/]", highlight=False)
    raise typer.Exit(2)


def output_folder(out: Path) -> Path:
    """``out`` as a folder, created if missing; one red line and exit 2 if it cannot be."""
    if out.exists() and not out.is_dir():
        fail_line(f"--out {out} is a file, not a folder; give a folder for the report and the "
                  "store (it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail_line(f"cannot create the output folder {out}: {exc.strerror or exc}; give --out a "
                  "folder you may write to")
    return out


def open_store(url: str, *, writable: bool = True):
    """The store at ``url`` (``store.connect``); one red line and exit 2 if it cannot be used.

    A command keeps no connection open between its transactions (``pooled=False``).
    """
    from reemud import store

    try:
        return store.connect(url, writable=writable, pooled=False)
    except StoreError as exc:
        fail_line(str(exc))


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all; return ``path``.

    The text goes to a temporary file beside ``path``, is flushed to disk, then renamed over
    ``path`` (``os.replace``), so a reader or an interrupted run never sees half a file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def print_problems(error: ScenarioError) -> None:
    """List every problem of ``error`` on stderr: field, value, what is allowed, the fix."""
    err_console.print(f"[bold red]{escape(error.source)}: {len(error.problems)} problem(s)[/]")
    for i, p in enumerate(error.problems[:SHOWN_PROBLEMS], 1):
        err_console.print(f"  {i}. [bold]{escape(p.path)}[/]: " + escape(p.detail), highlight=False)
    if len(error.problems) > SHOWN_PROBLEMS:
        err_console.print(more_problems(len(error.problems) - SHOWN_PROBLEMS), highlight=False)


def fail(error: ScenarioError) -> None:
    """List every problem of ``error`` (``print_problems``) and exit 2."""
    print_problems(error)
    raise typer.Exit(2)


def fmt(value, digits: int = 4) -> str:
    """A number for a table: thousands separated from 1,000 on, else ``digits`` significant."""
    if value is None or not np.isfinite(float(value)):
        return "—"
    value = float(value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.{digits}g}"


def json_safe(value):
    """Plain JSON values, recursively; NaN and ±inf become None (JSON has no such numbers).

    NumPy scalars and arrays become Python values.
    """
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def save_unstored(out: Path, record: Mapping, *, where: str, reason: str) -> str:
    """Keep a computed run the store did not take, as ``out/run-<UTC time>-<sha8>.json``.

    ``record`` is the run (its ``scenario_sha256`` names the file); the file adds the store it
    was not stored in and why (``reason``), and is written atomically. Returns the one line to
    print. If the file cannot be written either, the JSON goes to stderr, so nothing is lost.
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = out / f"run-{stamp}-{record['scenario_sha256'][:8]}.json"
    text = json.dumps(json_safe({**record, "not_stored_in": where, "store_error": reason}),
                      indent=2, allow_nan=False) + "\n"
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        sys.stderr.write(text)
        return (f"could not store the run in {where} ({reason}) nor write it to {path} "
                f"({exc.strerror or exc}); its JSON is above")
    return f"could not store the run in {where} ({reason}); the run is saved in {path}"


SeedOption = Annotated[int, typer.Option(help="random seed (0 to 2**63 - 1)", min=0,
                                         max=INT64_MAX)]
"""The ``--seed`` of every command: refused outside 64 bits before any work."""

DEFAULT_OUT = Path("out")
OutOption = Annotated[Path, typer.Option("--out", help="output folder (report, SQLite store)")]
DbOption = Annotated[str | None, typer.Option(
    "--db", help="SQLAlchemy URL of the store (default: sqlite file in --out)")]


@contextmanager
def user_errors():
    """Turn a ValueError from bad user input into a red message and exit status 2."""
    try:
        yield
    except ValueError as exc:
        err_console.print(f"[bold red]{escape(str(exc))}[/]")
        raise typer.Exit(2) from None


@contextmanager
def store_failures(engine, kept: str):
    """A store failing part-way through a command: one red line, what is kept, exit 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from reemud import store

    try:
        yield
    except SQLAlchemyError as exc:
        fail_line(f"the store {engine.url.render_as_string(hide_password=True)} failed "
                  f"({store.failure(exc)}); {kept}")


def draw_progress(description: str, total: int, quiet: bool) -> tuple:
    """A transient progress bar on stderr (off when ``quiet``) and its ``update(done)``."""
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    progress = Progress("[progress.description]{task.description}", BarColumn(),
                        "{task.completed}/{task.total}", TimeRemainingColumn(),
                        console=err_console, transient=True, disable=quiet)
    task = progress.add_task(description, total=total)
    return progress, lambda i: progress.update(task, completed=i)


def load_or_fail(scenario: str):
    """Load a scenario by name or path; list its problems and exit 2 if it is invalid."""
    from reemud.scenario import load_scenario

    try:
        return load_scenario(scenario)
    except ScenarioError as exc:
        fail(exc)


def write_html(path: Path, text: str) -> None:
    """Write a report atomically and say where."""
    write_text_atomic(path, text)
    err_console.print(f"report: {path}")


def existing_store(db: str | None, out: Path, *, writable: bool = False):
    """An existing store (``--db``, else the one in ``--out``), checked; exit 2 if unusable."""
    from reemud import store

    if db is None and not (out / store.DB_FILENAME).exists():
        err_console.print(f"no store at {out / store.DB_FILENAME}; run `reemud run` first or "
                          "pass --db URL")
        raise typer.Exit(2)
    return open_store(db or store.default_url(out), writable=writable)
