"""The OpenAPI document: every API endpoint in it, with its server, its keys and its problems."""

import re

from tests.conftest import BASE_URL


def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def test_every_api_endpoint_is_described(app, client):
    paths = document(client)["paths"]
    for rule in app.url_map.iter_rules():
        path = str(rule)
        if path == "/api/v1/openapi.json" or not (
            path.startswith("/api/") or path in ("/healthz", "/.well-known/jwks.json")
        ):
            continue
        described = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert method.lower() in paths.get(described, {}), f"{method} {path} is not in the document"


def test_it_names_this_server_the_keys_and_the_problems(client):
    doc = document(client)
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": BASE_URL}]
    assert doc["info"]["title"] == "Service Certificate Registry API"
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bodyKey"]["scheme"] == schemes["watchSecret"]["scheme"] == "bearer"
    assert doc["paths"]["/api/v1/certificates"]["post"]["security"] == [{"bodyKey": []}]
    assert doc["paths"]["/api/v1/watches/{watch_id}"]["delete"]["security"] == [{"watchSecret": []}]
    assert "security" not in doc["paths"]["/api/v1/verify"]["post"]
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            codes = operation["responses"]
            assert {"429", "500"} <= set(codes), (method, path)
            for code, answer in codes.items():
                if int(code) >= 400:
                    assert answer["content"] == {
                        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                    }, (method, path, code)


def test_request_bodies_and_answers_are_the_models_themselves(client):
    doc = document(client)
    schemas = doc["components"]["schemas"]
    verify = doc["paths"]["/api/v1/verify"]["post"]
    assert verify["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/VerifyIn")
    assert verify["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/VerifyOut")
    # A field the answer carries is a field the document declares, and nothing else is allowed.
    assert schemas["CertificateOut"]["additionalProperties"] is False
    listing = client.get("/api/v1/certificates?per_page=1").get_json()
    assert set(listing) == set(schemas["SearchOut"]["properties"])
