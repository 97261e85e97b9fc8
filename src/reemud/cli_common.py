"""What every ``reemud`` command shares: the consoles and the one way bad input is reported."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape

from reemud.errors import ScenarioError

out_console = Console()
err_console = Console(stderr=True, soft_wrap=True)


def fail(error: ScenarioError) -> None:
    """List every problem of ``error`` (field, value, what is allowed, the fix) and exit 2."""
    err_console.print(f"[bold red]{escape(error.source)}: {len(error.problems)} problem(s)[/]")
    for i, p in enumerate(error.problems, 1):
        err_console.print(f"  {i}. [bold]{escape(p.path)}[/]: "
                          + escape(f"{p.allowed} (got {p.given!r}). {p.fix}"), highlight=False)
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
