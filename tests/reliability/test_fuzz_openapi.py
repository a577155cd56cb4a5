"""Fuzzing: Schemathesis generates requests for every operation of the platform's own
OpenAPI document and sends them to a server process (uvicorn) holding the demo data,
as Leeuwarden (which enables every programme), logged in as its municipality admin.
Zero server errors (5xx) and zero responses that break their own documented schema.
The number of operations and examples is printed. ``NOABER_FUZZ_EXAMPLES`` sets the
examples per operation.

An operation may end the session it is called with (``POST /api/auth/logout``): the
session is checked after every operation and the admin logs in again, so the operations
after it are fuzzed logged in too (the number of new logins is printed)."""

import os
from collections import Counter

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from noaber.demo.seed import seed_demo

from .conftest import ServerProcess, server_env

HOST = {"host": "leeuwarden.localhost"}
EXAMPLES = int(os.environ.get("NOABER_FUZZ_EXAMPLES", "8"))
pytestmark = pytest.mark.slow
# Found by this test and reported, not yet fixed by their owners: printed on every run,
# left out of the assertion. Remove an entry when it is fixed.
KNOWN: dict[str, str] = {}


@pytest.fixture
def demo_server(make_platform, database_url):
    platform = make_platform(provision_all=False)
    seed_demo(platform)
    process = ServerProcess(server_env(database_url))
    try:
        process.start()
        process.relogin = lambda: {**HOST, **process.login(platform, "leeuwarden", HOST["host"])}
        process.headers = process.relogin()
        yield process
    finally:
        process.stop()


def logged_in(server) -> bool:
    answer = httpx.get(f"{server.base}/api/auth/session", headers=server.headers, timeout=30)
    return bool(answer.json().get("authenticated"))


def test_every_operation_answers_within_its_schema(demo_server):
    raw = httpx.get(f"{demo_server.base}/schema/openapi.json", headers=HOST, timeout=30).json()
    schema = schemathesis.openapi.from_dict(raw)
    operations = [result.ok() for result in schema.get_all_operations()]
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    examples = 0
    logins = 0

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case):
            nonlocal examples
            examples += 1
            response = case.call(base_url=demo_server.base, headers=demo_server.headers, timeout=30)
            statuses[response.status_code] += 1
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )
            except BaseException as exc:  # collected: shrinking every failure would take long
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(
                    f"{case.operation.method.upper()} {case.operation.path}: "
                    f"{response.status_code} {str(exc)[:300]}"
                )

        exercise()
        if not logged_in(demo_server):  # the operation ended the session (logout)
            demo_server.headers = demo_server.relogin()
            logins += 1

    print(
        f"\nfuzzing: {len(operations)} operations, {examples} examples, "
        f"statuses {dict(sorted(statuses.items()))}, {len(failures)} failures; "
        f"logged in again {logins} times after an operation ended the session"
    )
    for failure in failures[:20]:
        print("  " + failure)
    known = [f for f in failures if f.split(":")[0] in KNOWN]
    for failure in known[:3]:
        print(f"  known, reported: {failure[:200]} ({KNOWN[failure.split(':')[0]]})")
    assert len(operations) >= 20
    assert logged_in(demo_server)
    assert [f for f in failures if f not in known] == []
