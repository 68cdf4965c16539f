"""kernel/breaker.py: after the database failed, calls fail at once for a moment instead of queueing."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError

from kernel import breaker
from kernel.errors import is_unavailable


@pytest.fixture(autouse=True)
def short_window(settings):
    settings.BREAKER_SECONDS = 0.2
    breaker.reset()
    yield
    breaker.reset()


def test_a_failure_opens_the_breaker_for_its_window_then_one_call_tries_again():
    calls = []

    @breaker.guarded
    def query(fail: bool):
        calls.append(fail)
        if fail:
            raise OperationalError("connection refused")
        return "rows"

    with pytest.raises(OperationalError):
        query(True)
    with pytest.raises(breaker.Unavailable) as refused:  # not even tried
        query(False)
    assert is_unavailable(refused.value)
    assert calls == [True]
    time.sleep(0.25)
    assert query(False) == "rows"
    assert calls == [True, False]


def test_a_users_error_does_not_open_it():
    @breaker.guarded
    def service():
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        service()
    assert not breaker.is_open()
