"""`flask dial CODE --msisdn N`: a USSD session in the terminal, as a handset shows it.

Each reply is posted as Africa's Talking posts it (form fields, `text` accumulated), to a
running server (`--url`) or in-process through the app's own test client.
"""

import uuid

import click
import requests
from flask import current_app
from flask.cli import with_appcontext

from app.phones import InvalidPhoneNumber, to_e164


@click.command("dial")
@click.argument("code")
@click.option("--msisdn", default="+254711000001", show_default=True, help="Caller's number.")
@click.option("--url", help="A running server's base URL, e.g. http://127.0.0.1:5000.")
@click.option("--network", default="63902", show_default=True, help="networkCode to send.")
@click.option("--reply", "replies", multiple=True, help="Replies to send instead of asking.")
@with_appcontext
def dial_command(
    code: str, msisdn: str, url: str | None, network: str, replies: tuple[str, ...]
) -> None:
    """Dial CODE (e.g. '*384*1#', quoted for the shell) and answer each screen."""
    try:
        msisdn = to_e164(msisdn, current_app.config["DEFAULT_COUNTRY"])
    except InvalidPhoneNumber as err:
        raise click.BadParameter(str(err), param_hint="--msisdn") from err
    catalog = current_app.extensions["menus"]
    for path, result in catalog.results.items():
        if result.problems:  # the other files are served; say why this one is not
            click.echo(f"{path.name} is not served:", err=True)
            click.echo("\n".join(f"  {problem}" for problem in result.problems), err=True)
    service_code, extra = catalog.split_dial(code)
    post = _poster(url)
    path = f"/ussd/africastalking/{current_app.config['AT_CALLBACK_TOKEN']}"
    session_id, inputs, queued = f"dial-{uuid.uuid4().hex[:12]}", list(extra), list(replies)
    while True:
        form = {
            "sessionId": session_id,
            "serviceCode": service_code,
            "phoneNumber": msisdn,
            "networkCode": network,
            "text": "*".join(inputs),
        }
        status, body = post(path, form)
        if status != 200:
            raise click.ClickException(f"HTTP {status}: {body}")
        click.echo(_handset(body))
        if not body.startswith("CON "):
            return
        if replies:
            if not queued:
                return
            reply = queued.pop(0)
            click.echo(f"> {reply}")
        else:
            reply = click.prompt("", prompt_suffix="> ", default="", show_default=False)
        inputs.append(reply)


def _handset(body: str) -> str:
    """Frame a CON/END body as a handset screen."""
    kind, _, text = body.partition(" ")
    lines = text.split("\n")
    width = max(24, *(len(line) for line in lines))
    rule = "+" + "-" * (width + 2) + "+"
    framed = [rule, *(f"| {line.ljust(width)} |" for line in lines), rule]
    framed.append("  (session ended)" if kind == "END" else "")
    return "\n".join(framed)


def _poster(url: str | None):  # noqa: ANN202 - (path, form) -> (status, body)
    if url:
        session = requests.Session()

        def post(path: str, form: dict) -> tuple[int, str]:
            response = session.post(url.rstrip("/") + path, data=form, timeout=15)
            return response.status_code, response.text

        return post
    client = current_app.test_client()

    def post_in_process(path: str, form: dict) -> tuple[int, str]:
        response = client.post(path, data=form)
        return response.status_code, response.get_data(as_text=True)

    return post_in_process
