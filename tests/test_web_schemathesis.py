"""Schemathesis against the app's own OpenAPI schema: no request it can make is a server error.

Each API operation gets its own test, fed by Schemathesis's Hypothesis strategy of that
operation (valid and invalid bodies, paths and queries).
"""

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from reemud import store
from reemud.web.app import Settings, create_app

pytestmark = [pytest.mark.web, pytest.mark.slow]

ENDLESS = "/api/jobs/{job_id}/events"
"""The event stream of a queued job never ends by design (it waits for the job): left out."""

_OUT = tempfile.mkdtemp(prefix="reemud-schemathesis-")
APP = create_app(Settings(url=store.default_url(_OUT), workers=0, jobs_per_minute=100_000,
                          allowed_hosts=("testserver",)))  # the name Schemathesis's client sends
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)
OPERATIONS = {f"{op.method.upper()} {op.path}": op
              for op in (result.ok() for result in SCHEMA.get_all_operations())
              if op.path != ENDLESS}


def test_every_api_operation_is_tested():
    assert {"POST /api/jobs", "POST /api/validate", "GET /api/runs/{run_id}",
            "GET /api/compare", "GET /runs/{run_id}/report.html"} <= set(OPERATIONS)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_no_request_is_a_server_error(name):
    operation = OPERATIONS[name]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case):
        case.call_and_validate(checks=[not_a_server_error])

    check()
