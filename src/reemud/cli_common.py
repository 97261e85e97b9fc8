"""What every ``reemud`` command shares: the consoles and the one way bad input is reported."""

from __future__ import annotations

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
