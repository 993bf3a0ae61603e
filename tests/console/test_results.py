"""Survey results in the console: figures, SVG charts, answers and downloads."""

import re

from tests.conftest import Handset


def _answer_some(app, callers=3):
    client = app.test_client()
    for n in range(callers):
        handset = Handset(client, msisdn=f"+25471100001{n}", service_code="*384*3#")
        handset.walk("1", "1" if n < 2 else "2")  # English; the last one declines consent


def test_results_lists_surveys_with_counts(as_role, console_app):
    _answer_some(console_app)
    page = as_role("designer").get("/console/results").get_data(as_text=True)
    assert "diet_survey" in page
    assert re.search(r"diet_survey</a></td>\s*<td>3</td>", page)


def test_survey_page_draws_the_funnel_and_completion_charts(as_role, console_app):
    _answer_some(console_app)
    response = as_role("operator").get("/console/results/diet_survey")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<strong id="respondents">3</strong>' in page
    funnel = page.split('id="funnel"')[1].split("</svg>")[0]
    assert "consent" in funnel and 'class="bar"' in funnel
    assert "reached" in funnel
    assert 'id="by-language"' in page and ">en<" in page
    assert 'id="by-channel"' in page and ">ussd<" in page
    assert page.count("<tr>") >= 4  # header + three respondents


def test_answers_table_is_paginated(as_role, console_app, monkeypatch):
    from app.console import results

    monkeypatch.setattr(results, "PAGE_SIZE", 2)
    _answer_some(console_app)
    console = as_role("admin")
    first = console.get("/console/results/diet_survey").get_data(as_text=True)
    assert "page 1 of 2" in first
    second = console.get("/console/results/diet_survey?page=2").get_data(as_text=True)
    assert "page 2 of 2" in second


def test_csv_download(as_role, console_app):
    _answer_some(console_app)
    response = as_role("designer").get("/console/results/diet_survey/export?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "filename=diet_survey.csv" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 4
    assert "+2547" not in response.get_data(as_text=True)  # contacts are pseudonymous


def test_xlsx_and_floip_downloads(as_role):
    console = as_role("admin")
    xlsx = console.get("/console/results/diet_survey/export?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    floip = console.get("/console/results/diet_survey/export?format=floip")
    assert floip.status_code == 200 and floip.mimetype == "application/zip"


def test_a_definition_that_is_not_a_survey_is_not_found(as_role):
    assert as_role("admin").get("/console/results/microfinance").status_code == 404
