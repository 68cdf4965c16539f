"""The notification centre's tests use the meetings tests' small fair with slots (``booking``)."""

from tests.meetings.conftest import booking, jobs_run_at_once  # noqa: F401 - fixtures
