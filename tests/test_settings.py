"""Start-up checks on settings: every problem named at once."""

import pytest

from app.errors import ConfigurationError
from app.settings import REQUIRED_SECRETS
from tests.conftest import make_app


def test_every_missing_secret_is_named_at_once(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        make_app(tmp_path, TESTING=False, **{name: None for name in REQUIRED_SECRETS})
    message = str(refused.value)
    assert all(f"- {name} is not set" in message for name in REQUIRED_SECRETS), message


def test_an_unknown_log_level_is_named(tmp_path):
    with pytest.raises(ConfigurationError) as refused:
        make_app(tmp_path, LOG_LEVEL="LOUD")
    assert "LOG_LEVEL 'LOUD' must be one of DEBUG, INFO, WARNING, ERROR" in str(refused.value)
