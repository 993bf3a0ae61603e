"""The OpenAPI document: valid OpenAPI 3, generated from the request models, served
without a token, with an interactive page that fetches nothing from the internet."""

import re

from openapi_spec_validator import validate


def test_the_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert {"/api/v1/clients", "/api/v1/campaigns", "/api/v1/imports"} <= set(paths)
    assert "/api/v1/campaigns/{campaign_id}/stats" in paths
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_document_has_the_request_models_fields(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    client_in = next(schema for name, schema in schemas.items() if name.startswith("ClientIn"))
    assert set(client_in["properties"]) == {
        "phone_number",
        "tag",
        "timezone",
        "notify_from",
        "notify_to",
        "name",
        "language",
    }
    assert client_in["required"] == ["phone_number"]


def test_the_docs_page_is_served_offline(client):
    page = client.get("/api/v1/docs/swagger/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "SwaggerUIBundle" in html
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", html)
