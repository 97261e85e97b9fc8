"""Guards every ``reemud`` command shares.

Paths checked before any work, memory estimates refused before allocating, Ctrl-C and warnings
as one readable line (atomic writes are ``cli_common.write_text_atomic``).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import warnings
from pathlib import Path

from rich.markup import escape

from reemud.cli_common import err_console, fail_line, print_problems
from reemud.errors import ScenarioError

EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""


def writable_file_or_fail(path: Path, option: str) -> Path:
    """Refuse (exit 2) a file path the command could not write.

    A folder, or a parent that is a file or not writable. Checked before any work, so nothing
    computed is lost to it.
    """
    path = Path(path)
    if path.is_dir():
        fail_line(f"{option} {path}: is a folder; give a file name, e.g. {path / 'report.html'}")
    parent = path.parent if str(path.parent) else Path(".")
    existing = next((p for p in (parent, *parent.parents) if p.exists()), Path("."))
    if not existing.is_dir():
        fail_line(f"{option} {path}: {existing} is a file, not a folder; choose another path")
    if not os.access(existing, os.W_OK | os.X_OK):
        fail_line(f"{option} {path}: {existing} is not writable; choose a folder you can write to")
    return path


def memory_limit_bytes() -> int:
    """Memory a request may use [bytes].

    ``REEMUD_MEMORY_FRACTION`` (default 0.5) of the machine's physical memory.
    """
    fraction = float(os.environ.get("REEMUD_MEMORY_FRACTION", "0.5"))
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return int(fraction * total)


def memory_or_fail(needed_bytes: float, what: str, hint: str) -> None:
    """Refuse (exit 2) a request whose estimated memory exceeds ``memory_limit_bytes``.

    Checked before it allocates anything; the message gives the estimate, the limit and what to
    do instead.
    """
    limit = memory_limit_bytes()
    if needed_bytes > limit:
        fail_line(f"{what} needs about {needed_bytes / 2**30:,.1f} GiB, more than the "
               f"{limit / 2**30:,.1f} GiB allowed (REEMUD_MEMORY_FRACTION of this machine's "
               f"memory): {hint}")


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(str(message))}", highlight=False)


class Interrupted(BaseException):
    """Ctrl-C, raised by the SIGINT handler ``run_app`` installs.

    Not a ``KeyboardInterrupt``, which the command framework would turn into a bare "Aborted!".
    """


def _on_sigint(signum, frame) -> None:
    raise Interrupted


def run_app(app) -> None:
    """Run a typer app as the console entry point.

    Warnings print as one readable line; Ctrl-C prints one line and exits 130 (the command's
    own handler, if it has one, says what was kept first). A scenario the chain finds it cannot
    compute, wherever a command runs it, is listed as its problems with exit 2 (commands that
    hold something to keep catch it first). Usage errors and a command's exit status are the
    framework's (exit 2 for bad usage).
    """
    warnings.showwarning = _one_line_warning
    signal.signal(signal.SIGINT, _on_sigint)
    try:
        app()
    except Interrupted:
        err_console.print("interrupted (Ctrl-C): results already written or stored are kept",
                          highlight=False)
        if threading.active_count() > 1:
            # a block of draws still computing in a worker thread cannot be stopped, and the
            # interpreter would wait for it at exit; what is kept is already committed (store
            # transactions, atomic renames), so leave now
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        raise SystemExit(EXIT_INTERRUPTED) from None
    except ScenarioError as exc:
        print_problems(exc)
        raise SystemExit(2) from None


DRAW_BYTES = 2048
"""Memory per Monte Carlo draw kept for the summary [bytes]: ~70 KPIs and the inputs as float64,
with room for copies (measured: 16,384 draws of examples/commercial-uncertain.toml add ~30 MB
over the process's 112 MB, ~1.9 kB a draw with the block's working set)."""

BLOCK_BYTES = 64 * 2**20
"""Working set of one block of draws in the chain [bytes] (measured ~20 MB for 2,048 draws)."""

CAMPAIGN_BYTES = 256
"""Memory per simulated campaign kept for the summary [bytes]: tonnes, spots and nine hour
categories as float64, with room for copies."""


def draws_memory_bytes(n: int) -> int:
    """Estimated memory of ``n`` chain draws held for a summary [bytes]."""
    return BLOCK_BYTES + int(n) * DRAW_BYTES


def campaigns_memory_bytes(n: int) -> int:
    """Estimated memory of ``n`` simulated campaigns held for a summary [bytes]."""
    return BLOCK_BYTES + int(n) * CAMPAIGN_BYTES
