"""`flask db upgrade` on an empty database yields exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app.extensions import db


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
