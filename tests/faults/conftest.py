"""Fixtures for tests/faults: one private stack (Redis, PostgreSQL, two daphne processes, the worker)
for the whole directory; each test injects one fault and leaves the stack running again.

They run in the PostgreSQL + Redis pass (DATABASE_URL is PostgreSQL and REDIS_URL is set), and skip,
saying why, elsewhere; the servers they start are their own either way (tests/faults/stack.py).
TRADEFAIR_REQUIRE_FAULTS=1 (.ci/run) makes a missing redis-server or initdb a failure.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from tests.faults.stack import REQUIRE, Stack, missing_tools

BOOTHS, BUYERS = 5, 24


def require_faults() -> None:
    if not settings.USING_POSTGRES or not settings.REDIS_URL:
        pytest.skip(
            "fault tests run in the PostgreSQL + Redis pass (DATABASE_URL=postgres://... REDIS_URL=redis://...)"
        )
    missing = missing_tools()
    if missing:
        reason = f"{', '.join(missing)} missing: install redis-server and PostgreSQL's server binaries"
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    require_faults()
    s = Stack(tmp_path_factory.mktemp("faults"))
    try:
        s.data = s.start(booths=BOOTHS, buyers=BUYERS)
        yield s
    finally:
        s.stop()
