"""`flask db upgrade` on an empty database yields exactly the models' schema, and the
reference data (places) without demo data."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from app.extensions import db
from app.models import Customer, Location
from tests.conftest import Handset


def test_upgrade_on_an_empty_database_matches_the_models(app):
    runner = app.test_cli_runner()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, (result.output, repr(result.exception))
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {"customers", "accounts", "ledger_entries", "outbox"} <= tables
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))


def test_upgrade_loads_the_places_and_no_demo_data(app, client):
    runner = app.test_cli_runner()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    try:
        with app.app_context():
            counties = select(func.count()).where(Location.level == "county")
            assert db.session.scalar(counties) == 47
            assert db.session.scalar(select(func.count(Customer.id))) == 0
        # A farmer on a fresh install gets past the county question.
        farmer = Handset(client, "+254733000701", "*384*2#")
        assert farmer.walk("1", "Achieng Otieno", "2", "1980").startswith(
            "CON Where is your farm?\nChoose county or type its first letters\n1. Baringo"
        )
        assert farmer.send("Kiambu").startswith("CON Kiambu\nChoose sub-county")
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("DROP TABLE alembic_version"))
