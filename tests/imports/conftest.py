import pytest

from app.extensions import db
from app.seed import seed_locations
from tests.api.conftest import api  # noqa: F401 - the API client fixture


@pytest.fixture
def places(app):
    """Kenya's counties and the shipped sub-counties and wards."""
    with app.app_context():
        seed_locations()
        db.session.commit()
    return app
