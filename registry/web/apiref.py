"""The API reference as plain data for a template, read from the OpenAPI document (no client-side renderer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
CONSTRAINTS = (
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("minimum", "≥"),
    ("maximum", "≤"),
    ("minItems", "min items"),
    ("maxItems", "max items"),
    ("format", "format"),
)


@dataclass
class Field:
    name: str
    type: str
    required: bool
    notes: str
    description: str = ""


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    needs_key: bool
    parameters: list[Field] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Schema:
    name: str
    description: str
    fields: list[Field]


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_label(schema: dict[str, Any]) -> str:
    """A short type for a JSON Schema: `string`, `integer | null`, `array of CertificateIn`."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(dict.fromkeys(type_label(s) for s in schema[key]))
    if "const" in schema:
        return f"{schema['const']!r}"
    kind = schema.get("type", "object" if "properties" in schema else "any")
    if isinstance(kind, list):
        return " | ".join(kind)
    if kind == "array":
        return f"array of {type_label(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
        return f"object of {type_label(schema['additionalProperties'])}"
    return str(kind)


def _notes(schema: dict[str, Any]) -> str:
    parts = []
    for variant in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        if "enum" in variant:
            parts.append("one of " + ", ".join(str(v) for v in variant["enum"]))
        for key, label in CONSTRAINTS:
            if key in variant:
                parts.append(f"{label} {variant[key]}")
    if schema.get("default") not in (None, "", [], {}):
        parts.append(f"default {schema['default']}")
    return "; ".join(dict.fromkeys(parts))


def _content_label(content: dict[str, Any]) -> str:
    labels = []
    for media, spec in content.items():
        labels.append(f"{media}: {type_label(spec.get('schema', {}))}")
    return "; ".join(labels)


def operations(doc: dict[str, Any]) -> list[Operation]:
    """Every operation of the document, in its order."""
    out = []
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            o = Operation(
                method=method.upper(),
                path=path,
                anchor=op.get("operationId", f"{method}-{path}"),
                summary=op.get("summary", ""),
                needs_key=bool(op.get("security")),
            )
            for p in op.get("parameters", []):
                schema = p.get("schema", {})
                o.parameters.append(
                    Field(
                        f"{p['name']} ({p['in']})",
                        type_label(schema),
                        bool(p.get("required")),
                        _notes(schema),
                        p.get("description", ""),
                    )
                )
            body = op.get("requestBody")
            if body:
                o.body = _content_label(body.get("content", {}))
            for code, response in op.get("responses", {}).items():
                o.responses.append((code, response.get("description", ""), _content_label(response.get("content", {}))))
            out.append(o)
    return out


def schemas(doc: dict[str, Any]) -> list[Schema]:
    """Every component schema with its fields."""
    out = []
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        fields = [
            Field(prop, type_label(spec), prop in required, _notes(spec), spec.get("description", ""))
            for prop, spec in schema.get("properties", {}).items()
        ]
        out.append(Schema(name, schema.get("description", ""), fields))
    return out
