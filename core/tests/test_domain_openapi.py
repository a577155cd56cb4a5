"""The OpenAPI schema of the domain API is complete, and its input models are separate
from the table models."""

from __future__ import annotations

from noaber.matching.models import Match
from noaber.people.models import (
    HelperProfile,
    Household,
    HouseholdMember,
    Organisation,
    Person,
    Professional,
)
from noaber.requests.models import HelpRequest, TimelineEntry

DOMAIN_PREFIXES = (
    "/api/people",
    "/api/households",
    "/api/organisations",
    "/api/professionals",
    "/api/helpers",
    "/api/request-types",
    "/api/requests",
    "/api/matches",
    "/api/batch-suggestions",
)
TABLES = (
    Person,
    Household,
    HouseholdMember,
    Organisation,
    Professional,
    HelperProfile,
    HelpRequest,
    TimelineEntry,
    Match,
)


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_domain_openapi_complete_with_separate_input_models(client_for):
    schema = client_for("meppel").get("/schema/openapi.json").json()
    components = schema["components"]["schemas"]
    for table in TABLES:
        assert table.__name__ not in components, f"table model {table.__name__} in the API"
    operations = 0
    for path, item in schema["paths"].items():
        if not path.startswith(DOMAIN_PREFIXES):
            continue
        for method, op in item.items():
            operations += 1
            where = f"{method.upper()} {path}"
            assert op.get("summary"), where
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, where
            content = op["responses"][ok[0]].get("content", {})
            assert content, f"{where}: response without a schema"
            if method in ("post", "patch", "put") and "requestBody" in op:
                # Actions on an object (erase, withdraw) take no body; the rest take *In.
                body = op["requestBody"]["content"]["application/json"]["schema"]
                names = list(_refs(body))
                assert names, where
                assert all(n.endswith(("In", "Patch")) for n in names), (where, names)
            for param in op.get("parameters", []):
                assert param.get("schema"), (where, param["name"])
    assert operations >= 25
    # Every referenced schema exists, and list pages state their bounds.
    for name in set(_refs(schema["paths"])):
        assert name in components, name
    person_in = components["PersonIn"]
    assert person_in["required"] == ["given_name"]
    page_size = next(
        p for p in schema["paths"]["/api/people"]["get"]["parameters"] if p["name"] == "page_size"
    )
    assert page_size["schema"]["maximum"] == 100
