"""The chat's token bucket (kernel/ratelimit.py): counted at arrival, in Redis, in memory without it."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches

from kernel import ratelimit
from tests.e2e.harness import free_port


@pytest.fixture
def own_prefix(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}"}}
    yield
    caches["default"].close()


def test_a_burst_of_n_then_one_every_seconds_over_n(own_prefix):
    t0 = 1_000_000.0
    assert [ratelimit.allow("k", rate=(5, 10), at=t0) for _ in range(6)] == [True] * 5 + [False]
    assert ratelimit.allow("k", rate=(5, 10), at=t0 + 1.0) is False  # half a token back
    assert ratelimit.allow("k", rate=(5, 10), at=t0 + 2.1) is True  # one token back after 2 s
    assert ratelimit.allow("other", rate=(5, 10), at=t0) is True  # per key


def test_posts_held_by_a_stall_count_when_they_arrived_not_when_processed(own_prefix):
    """Three posts sent 4 s apart, all processed at once after a 12 s stall: nobody went too fast."""
    t0 = 2_000_000.0
    for person in range(20):
        arrivals = [t0 + i * 4.0 for i in range(9)]  # 9 lines in 32 s: under 5 per 10 s
        assert all(ratelimit.allow(f"p{person}", rate=(5, 10), at=a) for a in arrivals)
    # An arrival time older than the last one counted (another process, a late frame) gets no refill.
    assert ratelimit.allow("late", rate=(1, 10), at=t0) is True
    assert ratelimit.allow("late", rate=(1, 10), at=t0 - 5) is False


def test_without_redis_posts_are_limited_in_this_process_not_refused(settings):
    """Redis away: the limiter does not fail the post; it counts in memory instead."""
    port = free_port()  # nothing listens there
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}",
        }
    }
    try:
        t0 = 3_000_000.0
        assert [ratelimit.allow("gone", rate=(2, 10), at=t0) for _ in range(3)] == [True, True, False]
    finally:
        caches["default"].close()
