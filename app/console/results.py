"""Console page: results."""

from flask import render_template

from app.console import bp


@bp.get("/results")
def results() -> str:
    """The results page."""
    return render_template("console/error.html", title="results", message="Coming soon.")
