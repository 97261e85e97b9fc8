"""The PostgreSQL server of the store tests: its URL from `make test`, and emptying it."""

import os

import pytest
import sqlalchemy as sa

PG_ENV = "REEMUD_TEST_PG_URL"


def pg_url() -> str:
    """The URL `make test` exported; the test fails (never skips) without it."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.fail(f"{PG_ENV} is not set: run the suite with `make test`, which starts PostgreSQL "
                    "on loopback (scripts/pg.sh start prints the URL)")
    return url


def drop_everything(url: str) -> None:
    """Drop every table of the database (ours and the ones a test made to look foreign)."""
    engine = sa.create_engine(url)
    found = sa.MetaData()
    found.reflect(engine)
    found.drop_all(engine)
    engine.dispose()
