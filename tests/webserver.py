"""A reemud web server in a process of its own, on a free loopback port, for the web tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REEMUD = Path(sys.executable).parent / "reemud"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
"""Headless Chromium as the machine allows it (no sandbox as root, no calls to the network)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def output_folder(name: str) -> Path:
    """Where the web tests write what a person may want to look at (screenshots)."""
    root = Path(os.environ.get("REEMUD_TEST_OUTPUT", Path(__file__).parent.parent / "test-output"))
    path = root / name
    path.mkdir(parents=True, exist_ok=True)
    return path


class Server:
    """``reemud serve`` on the store in ``out``; a context manager that stops it."""

    def __init__(self, out: Path, workers: int = 2, *args: str) -> None:
        self.out, self.workers, self.args = out, workers, args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = out / f"server-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> Server:
        self.out.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(REEMUD), "serve", "--port", str(self.port), "--out", str(self.out),
                 "--workers", str(self.workers), *self.args], stdout=log, stderr=log,
                start_new_session=True)  # its own process group, as a terminal would give it
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.log.read_text()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not start in {timeout} s: {self.log.read_text()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0, group: bool = False) -> int:
        """Signal the server (``group``: its whole process group, as Ctrl-C in a terminal does)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        if group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def get(self, path: str, **kw) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return httpx.post(self.url + path, timeout=60, **kw)

    def wait_jobs(self, ids, statuses=("done", "failed"), timeout: float = 300.0) -> list[dict]:
        """Wait until every job of ``ids`` is in one of ``statuses``; their states."""
        deadline = time.monotonic() + timeout
        while True:
            jobs = [self.get(f"/api/jobs/{i}").json() for i in ids]
            if all(j["status"] in statuses for j in jobs):
                return jobs
            if time.monotonic() > deadline:
                raise AssertionError(f"jobs not {statuses} after {timeout} s: {jobs}; log: "
                                     f"{self.log.read_text()[-3000:]}")
            time.sleep(0.3)
