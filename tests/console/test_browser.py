"""The console in a real browser: Playwright driving headless Chromium (Debian's package,
`/usr/bin/chromium`; CI installs it in `.ci/run`). Skipped, saying why, where there is none.

One server for the module (a thread serving the app on a free port, SQLite and fakeredis
as in the other tests); the tests run in order as a user would: log in, dial and deposit,
break a definition and see the error at its line, publish a fix, open a survey's funnel,
download a CSV, walk a call and an SMS exchange in the simulator, see a queue and pause a
campaign. Every page is screenshotted into `CONSOLE_SCREENSHOTS` (default
`test-artifacts/console/`), and no page may request anything from outside the app or
log a browser error (a Content-Security-Policy violation is one).
"""

import logging
import os
import shutil
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.callcentre import queue
from app.callcentre.demo import QUEUE_NUMBER, seed_callcentre
from app.console.users import create_user
from app.extensions import db
from app.hotline.demo import seed_hotline
from app.models import CallQueue
from app.seed import demo_msisdn, seed_demo, seed_locations
from app.seed_messaging import seed_campaign, seed_clients
from tests.conftest import Handset, make_app
from tests.console.conftest import CHEAP_HASHING, PASSWORD, SHIPPED_MENUS

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: `apt-get install chromium` (.ci/run does it) "
        "or set CHROMIUM_PATH",
        allow_module_level=True,
    )
SCREENSHOTS = Path(os.environ.get("CONSOLE_SCREENSHOTS", "test-artifacts/console"))
BROKEN_GOTO = "goto: deposit_amout,"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served on 127.0.0.1 on a free port; yields (base URL, app, menus folder)."""
    folder = tmp_path_factory.mktemp("browser")
    menus = folder / "menus"
    shutil.copytree(SHIPPED_MENUS, menus)
    app = make_app(folder, MENUS_DIR=str(menus), **CHEAP_HASHING)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo(app.config)
        seed_locations()
        seed_hotline()
        seed_callcentre(demo_msisdn)
        queue_id = db.session.scalar(select(CallQueue.id).where(CallQueue.number == QUEUE_NUMBER))
        waited = datetime.now(UTC) - timedelta(seconds=40)
        queue.enqueue(queue_id, "+254711000005", "africastalking", "ATVId_browser", at=waited)
        seed_clients()
        seed_campaign()
        create_user("admin@example.org", PASSWORD, "admin")
    client = app.test_client()
    for n, consent in enumerate(("1", "1", "2", "1")):  # four respondents, one declines
        Handset(client, msisdn=f"+25471100001{n}", service_code="*384*3#").walk("1", consent)
    # Werkzeug's request lines carry the query string (a customer search by number);
    # gunicorn's access format (gunicorn.conf.py) logs the path alone.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", app, menus
    http.shutdown()
    thread.join(5)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    app.extensions["redis"].flushdb()


@pytest.fixture(scope="module")
def browser_page(server):
    """A logged-out page, recording every request and every browser error."""
    base, _app, _menus = server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        context = browser.new_context(
            viewport={"width": 1360, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        # Assertions wait as long as actions: Mermaid takes seconds on a busy machine.
        sync_api.expect.set_options(timeout=15000)
        page.requests, page.errors = [], []
        page.on("request", lambda request: page.requests.append(request.url))
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on(
            "response",
            lambda r: r.status >= 400 and page.errors.append(f"HTTP {r.status} {r.url}"),
        )
        page.on("pageerror", lambda err: page.errors.append(str(err)))
        yield page
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_log_in(server, browser_page):
    base, _, _ = server
    page = browser_page
    page.goto(f"{base}/console/menus")
    assert "/console/login" in page.url
    shot(page, "login")
    page.fill("input[name=email]", "admin@example.org")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    sync_api.expect(page.locator(".flash.error")).to_contain_text("Wrong email or password")
    page.fill("input[name=email]", "admin@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console/menus")
    sync_api.expect(page.locator("header")).to_contain_text("admin@example.org (admin)")


def test_dial_the_microfinance_code_and_deposit(server, browser_page):
    base, _, _ = server
    page = browser_page
    page.goto(f"{base}/console/simulator")
    page.fill("input[name=code]", "*384*1#")
    page.fill("input[name=msisdn]", "+254711000001")
    page.click("#dial")
    screen = page.locator("#screen")
    sync_api.expect(screen).to_contain_text("Sauti Money. Hello")
    sync_api.expect(page.locator("#char-count")).to_contain_text("/160 chars")
    for reply, expected in (("1", "Enter amount"), ("500", "Deposit KES 500"), ("1", "PIN")):
        page.fill("#reply", reply)
        page.click("#send")
        sync_api.expect(screen).to_contain_text(expected)
    page.fill("#reply", "1234")
    page.click("#send")
    sync_api.expect(screen).to_contain_text("Deposited KES 500")
    sync_api.expect(page.locator("#ended")).to_be_visible()
    shot(page, "simulator")


def _problem_line(text: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if BROKEN_GOTO in row)


def test_break_a_definition_and_see_the_error_at_its_line(server, browser_page):
    base, _, menus = server
    page = browser_page
    page.goto(f"{base}/console/menus")
    shot(page, "menus")
    page.click("text=microfinance.yaml")
    sync_api.expect(page.locator("#diagram svg")).to_be_visible()
    sync_api.expect(page.locator("#problem-count")).to_have_text("0")
    text = (menus / "microfinance.yaml").read_text()
    broken = text.replace("goto: deposit_amount,", BROKEN_GOTO, 1)
    page.evaluate("text => window.sautiEditor.setValue(text)", broken)
    problem = page.locator("#problems li.error").first
    sync_api.expect(problem).to_contain_text("did you mean 'deposit_amount'")
    line = _problem_line(broken)
    assert problem.get_attribute("data-line") == str(line)
    assert problem.inner_text().startswith(f"{line}: questions.main.choices.deposit.goto")
    assert page.locator(".cm-problem-line").count() == 1
    assert (
        page.evaluate("line => window.sautiEditor.lineInfo(line).bgClass", line - 1)
        == "cm-problem-line"
    )
    problem.click()  # puts the cursor on the mistake
    shot(page, "editor-error")


def test_publish_a_fix(server, browser_page):
    base, _, menus = server
    page = browser_page
    text = (menus / "microfinance.yaml").read_text()
    fixed = text.replace('en: "Sauti Money. Hello', 'en: "Sauti Money! Hello', 1)
    page.evaluate("text => window.sautiEditor.setValue(text)", fixed)
    sync_api.expect(page.locator("#problem-count")).to_have_text("0")
    page.click("#publish")
    sync_api.expect(page.locator("#publish-result")).to_contain_text("Published version")
    assert "Sauti Money! Hello" in (menus / "microfinance.yaml").read_text()
    shot(page, "editor")
    page.goto(f"{base}/console/simulator")
    page.fill("input[name=msisdn]", "+254711000002")
    page.click("#dial")
    sync_api.expect(page.locator("#screen")).to_contain_text("Sauti Money! Hello")


def test_open_a_surveys_funnel_and_download_a_csv(server, browser_page):
    base, _, _ = server
    page = browser_page
    page.goto(f"{base}/console/results")
    shot(page, "results")
    page.click("text=diet_survey")
    sync_api.expect(page.locator("#respondents")).to_have_text("4")
    funnel = page.locator("svg#funnel")
    sync_api.expect(funnel).to_be_visible()
    assert funnel.locator("rect.bar").count() >= 2
    sync_api.expect(funnel).to_contain_text("consent")
    shot(page, "results-survey")
    with page.expect_download() as download_info:
        page.click("#export-csv")
    download = download_info.value
    assert download.suggested_filename == "diet_survey.csv"
    lines = Path(download.path()).read_text().strip().splitlines()
    assert len(lines) == 5  # the header and four respondents


def test_customers_and_operations_pages(server, browser_page):
    base, _, _ = server
    page = browser_page
    page.goto(f"{base}/console/customers?q=0711000001")
    shot(page, "customers")
    page.click("#customer-list a")
    sync_api.expect(page.locator("#wallet")).to_contain_text("KES 16,500")
    shot(page, "customer")
    page.goto(f"{base}/console/operations")
    sync_api.expect(page.locator("#outbox")).to_contain_text("deposited")
    shot(page, "operations")


def test_a_voice_walk_and_an_sms_exchange_in_the_simulator(server, browser_page):
    base, app, _ = server
    page = browser_page
    page.goto(f"{base}/console/simulator")
    page.click("#mode-voice")
    page.fill("input[name=to]", "+254711082003")
    page.select_option("select[name=gateway]", "africastalking")
    page.click("#call")
    sync_api.expect(page.locator("#voice-screen")).to_contain_text("Diet survey.")
    page.click(".keypad .key[data-key='1']")
    page.click("#press")
    sync_api.expect(page.locator("#voice-screen")).to_contain_text("30 short questions")
    shot(page, "simulator-voice")
    page.click("#voice-hang-up")
    sync_api.expect(page.locator("#call-ended")).to_be_visible()
    page.goto(f"{base}/console/simulator?mode=sms")
    page.fill("#sms-first", "JOIN")
    page.click("#sms-send-first")
    welcome = app.config["SMS_REPLIES"]["en"]["join"]
    sync_api.expect(page.locator("#sms-thread")).to_contain_text(welcome)
    page.fill("#sms-text", "HELP")
    page.click("#sms-send")
    sync_api.expect(page.locator("#sms-thread .sent")).to_have_count(2)
    shot(page, "simulator-sms")


def test_operations_shows_a_queue_and_pauses_a_campaign(server, browser_page):
    base, _, _ = server
    page = browser_page
    page.goto(f"{base}/console/operations")
    calls = page.locator("#panel-calls")
    sync_api.expect(calls).to_contain_text("1 waiting")
    sync_api.expect(calls).to_contain_text("+2547*****005")
    sync_api.expect(calls).to_contain_text("In progress")
    sync_api.expect(page.locator("#campaign-list")).to_contain_text("farmers")
    sync_api.expect(page.locator("#hotline-shifts")).not_to_contain_text("No shifts.")
    page.locator("#campaign-list button", has_text="Pause").first.click()
    sync_api.expect(page.locator("#campaign-list .campaign-status").first).to_have_text("paused")
    shot(page, "operations-live")


def test_no_page_requested_anything_from_outside_the_app(server, browser_page):
    base, _, _ = server
    outside = [
        url for url in browser_page.requests if not url.startswith((base + "/", "data:", "blob:"))
    ]
    assert browser_page.requests and outside == []
    # The one failure expected: the wrong password (401) the login test typed.
    expected = "the server responded with a status of 401"
    errors = [e for e in browser_page.errors if expected not in e and "HTTP 401" not in e]
    assert errors == []
