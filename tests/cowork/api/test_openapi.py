"""The API describes itself: OpenAPI JSON and interactive docs, errors included."""

import json

import pytest

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/spaces": {"get"},
    "/api/v1/spaces/{space_id}": {"get"},
    "/api/v1/spaces/{space_id}/resources": {"get"},
    "/api/v1/availability": {"get"},
    "/api/v1/bookings": {"get", "post"},
    "/api/v1/bookings/quote": {"get"},
    "/api/v1/bookings/{booking_id}": {"get", "patch"},
    "/api/v1/bookings/{booking_id}/cancel": {"post"},
    "/api/v1/bookings/{booking_id}/check-in": {"post"},
    "/api/v1/bookings/{booking_id}/check-out": {"post"},
    "/api/v1/series": {"post"},
    "/api/v1/series/{series_id}": {"get"},
    "/api/v1/series/{series_id}/cancel-rest": {"post"},
    "/api/v1/approvals": {"get"},
    "/api/v1/approvals/{booking_id}/approve": {"post"},
    "/api/v1/approvals/{booking_id}/decline": {"post"},
}


@pytest.fixture
def openapi(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_openapi_lists_every_endpoint(openapi):
    assert openapi["info"] == {
        "title": "cowork API",
        "version": "1",
        "description": openapi["info"]["description"],
    }
    assert {path: set(item) for path, item in openapi["paths"].items()} == PATHS


def test_every_operation_documents_its_errors_in_the_error_shape(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            errors = {code for code in responses if code.startswith("4")}
            assert {"400", "401", "404", "422"} <= errors, (method, path)
            for code in errors:
                schema = responses[code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)
    assert set(openapi["components"]["schemas"]["ErrorOut"]["properties"]) == {"error"}


def test_openapi_offers_bearer_and_session_authentication(openapi):
    schemes = openapi["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    assert any(scheme.get("in") == "cookie" for scheme in schemes.values())


def test_interactive_docs_are_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_every_write_documents_the_idempotency_key_header(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            expected = ["Idempotency-Key"] if method in {"post", "patch"} else []
            assert headers == expected, (method, path)
