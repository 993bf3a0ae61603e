"""reference places: load the shipped county, sub-county and ward tree into locations

Revision ID: b31f0c2d9a47
Revises: 8c7eb0cc4209
Create Date: 2026-12-01 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.places import load_places


# revision identifiers, used by Alembic.
revision = 'b31f0c2d9a47'
down_revision = '8c7eb0cc4209'
branch_labels = None
depends_on = None

# The table as this revision knows it (the model may change later).
locations = sa.table(
    "locations",
    sa.column("id", sa.Integer),
    sa.column("level", sa.String),
    sa.column("name", sa.String),
    sa.column("key", sa.String),
    sa.column("code", sa.String),
    sa.column("parent_id", sa.Integer),
)


def upgrade():
    # Reference data, not demo data: location questions need it on every install.
    load_places(op.get_bind(), locations)


def downgrade():
    op.execute(locations.delete())
