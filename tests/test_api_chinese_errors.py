"""A Chinese caller reads every refusal of the API in Chinese (issue #15: "no English in Chinese
answers"): each write endpoint of the schema is sent an empty body and a body of wrong values, by
a liaison and by the office, and every message of every answer is read."""

from __future__ import annotations

import re

import pytest

from tests.test_api_schema import schema_of

CJK = re.compile(r"[\u4e00-\u9fff]")
# Words a Chinese message may carry as they are: formats, file kinds, and the JSON type a caller
# sent, named as REST framework's own Chinese catalogue names it ("获得的类型为 str").
ALLOWED = {
    "api",
    "id",
    "url",
    "xlsx",
    "docx",
    "iso",
    "yyyy",
    "json",
    "email",
    "str",
    "int",
    "float",
    "bool",
    "list",
    "dict",
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
WRONG = {"string": "\x7f" * 3, "integer": "many", "number": "much", "boolean": "perhaps", "array": "x", "object": "x"}


def _messages(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    return []


def _english_in(message: str) -> list[str]:
    return [w for w in ENGLISH_WORD.findall(message) if w.lower() not in ALLOWED and w != "\x7f"]


def _write_operations(schema: dict) -> list[tuple[str, str, dict]]:
    found = []
    for path, operations in schema["paths"].items():
        if "{" in path or path.startswith("/api/v1/auth/"):
            continue
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                found.append((method, path, body.get("schema", {})))
    return found


def _wrong_body(schema: dict, components: dict) -> dict:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return {name: WRONG.get(prop.get("type", "string"), "x") for name, prop in schema.get("properties", {}).items()}


@pytest.mark.parametrize("persona", ["office", "liaison_a"])
def test_every_refusal_of_the_api_reads_in_chinese(world, api_as, persona, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    schema = schema_of(api_as(world.office))
    components = schema.get("components", {}).get("schemas", {})
    operations = _write_operations(schema)
    assert len(operations) >= 20
    caller = api_as(getattr(world, persona))
    english, answered = [], 0
    for method, path, body_schema in operations:
        for body in ({}, _wrong_body(body_schema, components)):
            response = getattr(caller, method)(path, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code < 400 or response.status_code >= 500:
                continue
            answered += 1
            for message in _messages(response.json()):
                if not CJK.search(message) or _english_in(message):
                    english.append((method.upper(), path, response.status_code, message))
    assert answered >= 20
    assert english == [], "\n".join(map(str, english))
