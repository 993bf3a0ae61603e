import pytest

from app.extensions import db
from app.seed import seed_locations


@pytest.fixture
def places(app):
    with app.app_context():
        seed_locations()
        db.session.commit()
    return app
