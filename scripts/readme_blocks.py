"""Regenerate the README's program-output blocks (the tests in tests/test_readme.py hold them).

Run from the repository root after a change that moves the numbers:
``.venv/bin/python scripts/readme_blocks.py``. Each block is replaced by what the command prints
now, at the terminal width its test uses.
"""

import os
import tempfile
from pathlib import Path

from typer.testing import CliRunner

from reemud.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def output(args, columns, cwd=None):
    """What ``reemud ARGS`` prints at ``columns`` wide, as the README tests run it."""
    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(app, args, env={"COLUMNS": str(columns)})
    finally:
        os.chdir(here)
    if result.exit_code != 0:
        raise SystemExit(f"reemud {' '.join(args)} failed: {result.output}")
    return result.stdout


def replace_between(text, start_marker, new):
    start = text.index(start_marker) + len(start_marker)
    end = text.index("```", start)
    return text[:start] + new.rstrip("\n") + "\n" + text[end:]


def main() -> None:
    text = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        text = replace_between(text, "Real output of this version:\n\n```\n",
                               output(["run", "--out", "out"], 80, cwd=tmp))
    start = text.rindex("\n", 0, text.index("commercial-uncertain: 256 draws")) + 1
    end = text.index("```", start)
    mc = output(["mc", str(ROOT / "examples" / "commercial-uncertain.toml"), "-n", "256"], 132)
    mc = "\n".join(line.rstrip() for line in mc.strip("\n").splitlines())
    text = text[:start] + mc + "\n" + text[end:]
    lines = text.splitlines()
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if line.startswith("$ reemud breakeven "):
            out += output(line.split()[2:], 300).rstrip("\n").splitlines()
            while i < len(lines) and not lines[i].startswith(("$ ", "```")):
                i += 1
    text = "\n".join(out) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        block = []
        for cmd in (["market", "supply"], ["market", "disrupt", "licences-2025-04", "--importer",
                                            "JP"]):
            block.append("$ reemud " + " ".join(cmd))
            block += [x.rstrip() for x in output(cmd, 100, cwd=tmp).rstrip("\n").splitlines()]
        start = text.index("```\n$ reemud market supply") + 4
        end = text.index("```", start)
        text = text[:start] + "\n".join(block) + "\n" + text[end:]
        block = []
        for cmd in (["market", "sources"], ["market", "biosorb"]):
            block.append("$ reemud " + " ".join(cmd))
            block += [x.rstrip() for x in output(cmd, 100, cwd=tmp).rstrip("\n").splitlines()]
        start = text.index("```\n$ reemud market sources") + 4
        end = text.index("```", start)
        text = text[:start] + "\n".join(block) + "\n" + text[end:]
    text = replace_between(text, "fitted to it:\n\n```\n", output(["literature"], 132))
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
