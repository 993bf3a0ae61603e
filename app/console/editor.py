"""Console page: menus."""

from flask import render_template

from app.console import bp


@bp.get("/menus")
def menus() -> str:
    """The menus page."""
    return render_template("console/error.html", title="menus", message="Coming soon.")
