"""Reference places in SQL: the shipped county -> sub-county -> ward tree, loaded into
`locations` by a migration (`flask db upgrade`), so location questions work on any
install, demo data or not."""

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Connection

from app.locations import LocationTree, fold, load_locations


def load_places(connection: Connection, table: Table, tree: LocationTree | None = None) -> int:
    """Insert `tree` (default: the shipped `app/data/kenya_locations.csv`) into `table`,
    unless it already holds places.

    Args:
        connection: in the caller's transaction (a migration's, or the app session's).
        table: `locations` (id, level, name, key, code, parent_id).

    Returns:
        how many places were added (0 when some were present).
    """
    if connection.execute(select(table.c.id).limit(1)).first() is not None:
        return 0
    tree = tree or load_locations()

    def add(level: str, name: str, parent_id: int | None, code: str = "") -> int:
        row = {
            "level": level,
            "name": name,
            "key": fold(name),
            "code": code,
            "parent_id": parent_id,
        }
        return connection.execute(insert(table).values(row).returning(table.c.id)).scalar_one()

    added = 0
    for county in tree.children(()):
        county_id = add("county", county, None, tree.code(county))
        added += 1
        for sub_county in tree.children((county,)):
            sub_id = add("sub_county", sub_county, county_id)
            added += 1
            for ward in tree.children((county, sub_county)):
                add("ward", ward, sub_id)
                added += 1
    return added
