"""Console page: customers."""

from flask import render_template

from app.console import bp


@bp.get("/customers")
def customers() -> str:
    """The customers page."""
    return render_template("console/error.html", title="customers", message="Coming soon.")
