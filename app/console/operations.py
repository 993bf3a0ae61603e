"""Console page: operations."""

from flask import render_template

from app.console import bp


@bp.get("/operations")
def operations() -> str:
    """The operations page."""
    return render_template("console/error.html", title="operations", message="Coming soon.")
