"""`flask dial CODE --msisdn N`: a USSD session in the terminal, as a handset shows it.

Each reply is posted as Africa's Talking posts it (form fields, `text` accumulated), to a
running server (`--url`) or in-process through the app's own test client.
"""

import uuid
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.phones import InvalidPhoneNumber, to_e164
from app.ussd.transcript import Transcript, name_hint


@click.command("dial")
@click.argument("code")
@click.option("--msisdn", default="+254711000001", show_default=True, help="Caller's number.")
@click.option("--url", help="A running server's base URL, e.g. http://127.0.0.1:5000.")
@click.option("--network", default="63902", show_default=True, help="networkCode to send.")
@click.option("--reply", "replies", multiple=True, help="Replies to send instead of asking.")
@click.option(
    "--save-transcript",
    "transcript_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the walk as a conversation test, e.g. tests/transcripts/harvest.en.txt.",
)
@with_appcontext
def dial_command(
    code: str,
    msisdn: str,
    url: str | None,
    network: str,
    replies: tuple[str, ...],
    transcript_path: Path | None,
) -> None:
    """Dial CODE (e.g. '*384*1#', quoted for the shell) and answer each screen."""
    try:
        msisdn = to_e164(msisdn, current_app.config["DEFAULT_COUNTRY"], possible=True)
    except InvalidPhoneNumber as err:
        raise click.BadParameter(str(err), param_hint="--msisdn") from err
    catalog = current_app.extensions["menus"]
    for path, result in catalog.results.items():
        if result.problems:  # the other files are served; say why this one is not
            served = "is not served"
            if url:  # a server with hot reload keeps a broken edit's last valid version
                served = "has problems (a hot-reloading server serves its last valid version)"
            click.echo(f"{path.name} {served}:", err=True)
            click.echo("\n".join(f"  {problem}" for problem in result.problems), err=True)
    service_code, extra = catalog.split_dial(code)
    post = _poster(url)
    path = f"/ussd/africastalking/{current_app.config['AT_CALLBACK_TOKEN']}"
    session_id, inputs, queued = f"dial-{uuid.uuid4().hex[:12]}", list(extra), list(replies)
    transcript = Transcript(service_code, msisdn, session_id) if transcript_path else None
    if transcript:
        transcript.begin(extra)
    body = ""
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
        if transcript:
            transcript.screen(body, _shuffled(session_id, msisdn, service_code))
        if not body.startswith("CON ") or (replies and not queued):
            break
        if replies:
            reply = queued.pop(0)
            click.echo(f"> {reply}")
        else:
            reply = click.prompt("", prompt_suffix="> ", default="", show_default=False)
        if transcript:
            transcript.reply(body, reply)
        inputs.append(reply)
    if transcript:
        _save(transcript, transcript_path, code, network)


def _shuffled(session_id: str, msisdn: str, service_code: str) -> bool:
    """Whether the screen just shown lists its options in random order (known when the
    session's state is in this app's Redis: in-process, or a server sharing REDIS_URL)."""
    session = current_app.extensions["session_store"].load(session_id, msisdn, service_code)
    if session is None or not session.definition_id:
        return False
    try:
        flow = current_app.extensions["menus"].flow(
            session.definition_id, session.definition_version
        )
    except KeyError:
        return False
    question = flow.questions.get(session.state)
    return bool(question and question.spec.randomize)


def _save(transcript: Transcript, path: Path, code: str, network: str) -> None:
    """Write the transcript and say where; hint at the name the transcript test reads."""
    definition, language = transcript.stored()
    command = f"flask dial '{code}' --msisdn {transcript.msisdn} --save-transcript {path.name}"
    transcript.write(path, command)
    click.echo(f"wrote {path}")
    hint = name_hint(path, definition, language)
    if hint:
        click.echo(hint, err=True)
    flows = current_app.extensions["menus"].flows.values()
    survey = any(
        flow.definition.kind == "survey"
        and transcript.service_code in flow.definition.service_codes
        for flow in flows
    )
    if survey and definition is None and transcript.refused:
        click.echo(
            f"this walk started no survey: {transcript.msisdn} was turned away (a survey "
            "answered once per caller refuses a second time); the transcript test replays it "
            "on a fresh database, so record it again from a number that has not answered "
            "(another --msisdn)",
            err=True,
        )
    if network != "63902":
        click.echo("the transcript test plays screens as network 63902 (160 characters)", err=True)


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
        import requests  # only a dial to a running server needs it

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
