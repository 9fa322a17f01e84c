"""The OpenAPI schema (drf-spectacular), true to what the API answers: nullable fields declared
as such and every operation's error answers documented (README, "API")."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, true to what the serializers answer: a read-only field with
    `default=None` (a name read through a relation that may be empty: `unit.name` of a
    city-level record, `leader.display_name`…) is declared nullable."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if field.read_only and field.default is None and "$ref" not in schema:
            schema["nullable"] = True
        return schema


ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` says what went wrong; a refused body names each field with its messages "
    'instead (`{"field": ["message"]}`).',
    "properties": {
        "detail": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "What went wrong, in the caller's language.",
        }
    },
    "additionalProperties": True,
}
_ERRORS = {
    "400": "The request is malformed: a body that is not a JSON object, a refused field, a bad filter.",
    "401": "No valid credentials (`Authorization: Token …` or a session).",
    "403": "The caller may not do this.",
    "404": "No such record among those the caller may see (also a malformed id).",
    "409": "A conflict with the records as they stand: a stale version, a record others still point to.",
    "429": "Too many requests; wait as `Retry-After` says.",
    "503": "The database is unreachable; retry after `Retry-After` seconds.",
}
_THROTTLED_PATHS = ("/api/v1/auth/token/", "/api/v1/public-reports/")


def document_errors(result, generator, request, public):
    """Postprocessing hook (SPECTACULAR_SETTINGS): every operation declares the error answers it
    may give (config/errors.py, README "API"), each a JSON body of the `Error` schema, so a
    client generated from the schema knows them and schemathesis' status-code check holds."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = ["400", "401", "403", "404", "503"]
            if method != "get":
                codes.append("409")
            if path.startswith(_THROTTLED_PATHS):
                codes.append("429")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": _ERRORS[code], "content": error})
    return result
