import pytest

from tests.i18n_support import ensure_compiled_messages


@pytest.fixture(scope="session", autouse=True)
def _compiled_messages():
    """Pages are checked in every UI language: compile the catalogs if `make messages` did not."""
    ensure_compiled_messages()
