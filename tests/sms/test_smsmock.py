"""`flask smsmock`: an incoming SMS in-process or to a running server, and the reply."""

import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.extensions import db
from app.models import IncomingSms


@pytest.fixture
def server(app):
    """The app served over real HTTP on a free local port."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


def test_smsmock_in_process_prints_the_reply(app, runner):
    result = runner.invoke(args=["smsmock", "--from", "0711000801", "--text", "JOIN"])
    assert result.exit_code == 0, result.output
    welcome = app.config["SMS_REPLIES"]["en"]["join"]
    assert result.output.strip() == f"21606 -> +254711000801: {welcome}"


def test_smsmock_posts_to_a_running_server(app, runner, server):
    args = ["smsmock", "--from", "+254711000802", "--to", "30303", "--text", "msaada"]
    result = runner.invoke(args=[*args, "--url", server])
    assert result.exit_code == 0, result.output
    assert app.config["SMS_REPLIES"]["sw"]["help"] in result.output
    assert result.output.startswith("30303 -> +254711000802:")
    with app.app_context():
        row = db.session.scalar(select(IncomingSms))
        assert (row.msisdn, row.short_code, row.handled_as) == ("+254711000802", "30303", "help")


def test_smsmock_refuses_a_bad_number(runner):
    result = runner.invoke(args=["smsmock", "--from", "12", "--text", "JOIN"])
    assert result.exit_code == 2
    assert "--from" in result.output
