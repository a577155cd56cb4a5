"""Reference documentation generated from the code: the hooks and the configuration.

The documentation build (``mkdocs build``, see ``docs/_hooks``) inserts these into the
reference pages, and tests fail when a hook or a configuration key has no description,
so the reference cannot fall behind the code.

- The hook reference comes from the hookspec docstrings in :mod:`noaber.hookspecs`.
- The configuration reference comes from the JSON schema of
  :class:`~noaber.municipalities.config.MunicipalityConfig` and of each installed
  plugin's settings model. A key without a ``description`` in its model may be described
  in the notes file (``docs/reference/configuration-notes.toml``) instead.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from noaber import hookspecs
from noaber.municipalities.config import MunicipalityConfig

Schema = Mapping[str, Any]


# ---------------------------------------------------------------- hooks


@dataclass(frozen=True)
class HookDoc:
    name: str
    signature: str
    firstresult: bool
    doc: str


def hook_docs() -> list[HookDoc]:
    """Every hookspec, in the order of ``hookspecs.py``."""
    found = []
    for name, fn in inspect.getmembers(hookspecs, inspect.isfunction):
        spec = getattr(fn, f"{hookspecs.PROJECT_NAME}_spec", None)
        if spec is None:
            continue
        line = inspect.getsourcelines(fn)[1]
        signature = str(inspect.signature(fn)).replace("'", "")
        doc = inspect.getdoc(fn) or ""
        found.append((line, HookDoc(name, signature, bool(spec.get("firstresult")), doc)))
    return [doc for _, doc in sorted(found, key=lambda pair: pair[0])]


def hook_reference() -> str:
    """Markdown: one section per hook, from its spec."""
    parts = []
    for hook in hook_docs():
        call = "first non-`None` result wins" if hook.firstresult else "every result is collected"
        parts.append(
            f"## `{hook.name}`\n\n```python\n@hookimpl\ndef {hook.name}{hook.signature}: ...\n```\n\n"
            f"*{call}*\n\n{hook.doc}\n"
        )
    return "\n".join(parts)


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class ConfigKey:
    path: str
    type: str
    required: bool
    default: str
    constraints: str
    description: str


def _resolve(schema: Schema, root: Schema) -> Schema:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: Schema = root["$defs"][ref.removeprefix("#/$defs/")]
        return resolved
    return schema


def _type(schema: Schema, root: Schema) -> str:
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        kinds = [_type(s, root) for s in schema["anyOf"]]
        if "string" in kinds and "number" in kinds:
            return "decimal (string)" + (" or null" if "null" in kinds else "")
        return " or ".join(dict.fromkeys(kinds))
    kind = schema.get("type")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}), root)}"
    if kind == "object" and "properties" not in schema:
        values = schema.get("additionalProperties")
        if isinstance(values, dict) and values:
            return f"table of {_type(values, root)}"
        for value in schema.get("patternProperties", {}).values():
            return f"table of {_type(value, root)}"
        return "table"
    if kind == "object":
        return "table"
    if isinstance(kind, str):
        return kind
    return str(schema.get("title", "any"))


def _constraints(schema: Schema) -> str:
    names = {
        "pattern": "pattern",
        "minimum": "≥",
        "maximum": "≤",
        "exclusiveMinimum": ">",
        "exclusiveMaximum": "<",
        "minLength": "min length",
        "maxLength": "max length",
        "minItems": "min items",
        "maxItems": "max items",
    }
    found = [f"{label} `{schema[key]}`" for key, label in names.items() if key in schema]
    for option in schema.get("anyOf", []):
        found += [f"{label} `{option[key]}`" for key, label in names.items() if key in option]
    if "enum" in schema:
        found.append("one of " + ", ".join(f"`{v}`" for v in schema["enum"]))
    return ", ".join(found)


def walk_schema(
    schema: Schema, prefix: str = "", root: Schema | None = None
) -> Iterator[ConfigKey]:
    """Every key of a settings schema, nested tables and lists of tables included.

    Paths use ``.`` for a nested table and ``[]`` for each entry of a list of tables.
    """
    root = root if root is not None else schema
    schema = _resolve(schema, root)
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        target = _resolve(prop, root)
        default = json.dumps(prop["default"], ensure_ascii=False) if "default" in prop else ""
        yield ConfigKey(
            path=path,
            type=_type(prop, root),
            required=name in required,
            default=default,
            constraints=_constraints(target),
            description=str(prop.get("description") or target.get("description") or ""),
        )
        if "properties" in target:
            yield from walk_schema(target, f"{path}.", root)
        items = _resolve(target.get("items", {}), root) if target.get("type") == "array" else {}
        if "properties" in items:
            yield from walk_schema(items, f"{path}[].", root)
        values = target.get("additionalProperties")
        if isinstance(values, dict) and "properties" in _resolve(values, root):
            yield from walk_schema(_resolve(values, root), f"{path}.<name>.", root)


def municipality_keys() -> list[ConfigKey]:
    return list(walk_schema(MunicipalityConfig.model_json_schema()))


def plugin_keys(model: type[BaseModel], plugin: str) -> list[ConfigKey]:
    return list(walk_schema(model.model_json_schema(), f"plugins.{plugin}."))


def undocumented(keys: list[ConfigKey], notes: Mapping[str, str]) -> list[str]:
    """Keys that have neither a description in their model nor a note."""
    return [key.path for key in keys if not key.description and not notes.get(key.path)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def keys_table(keys: list[ConfigKey], notes: Mapping[str, str]) -> str:
    rows = [
        "| key | type | required | default | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key in keys:
        meaning = key.description or notes.get(key.path, "")
        if key.constraints:
            meaning = f"{meaning} ({key.constraints})" if meaning else key.constraints
        default = f"`{_cell(key.default)}`" if key.default else ""
        rows.append(
            f"| `{key.path}` | {_cell(key.type)} | {'yes' if key.required else ''} | "
            f"{default} | {_cell(meaning)} |"
        )
    return "\n".join(rows) + "\n"


def configuration_reference(
    plugin_models: Mapping[str, type[BaseModel] | None], notes: Mapping[str, str]
) -> str:
    """Markdown: the keys of ``municipality.toml``, then each installed plugin's table."""
    parts = [
        "## `municipality.toml`\n",
        keys_table(municipality_keys(), notes),
    ]
    for plugin, model in sorted(plugin_models.items()):
        parts.append(f"## `[plugins.{plugin}]`\n")
        if model is None:
            parts.append("This plugin takes no settings: enable it with an empty table.\n")
        else:
            doc = inspect.getdoc(model) or ""
            if doc and doc != inspect.getdoc(BaseModel):
                parts.append(doc + "\n")
            parts.append(keys_table(plugin_keys(model, plugin), notes))
    return "\n".join(parts)


# ---------------------------------------------------------------- command line


def cli_reference() -> str:
    """Markdown: every ``noaber`` command with its help text and options."""
    import click

    from noaber.cli import main

    parts: list[str] = []

    def visit(command: click.Command, path: list[str]) -> None:
        ctx = click.Context(command, info_name=" ".join(path))
        if path[1:]:
            usage = " ".join(command.collect_usage_pieces(ctx))
            parts.append(f"## `{' '.join(path)}`\n\n```\n{' '.join(path)} {usage}\n```\n")
            parts.append((command.help or "").strip() + "\n")
            options = [p for p in command.get_params(ctx) if isinstance(p, click.Option)]
            rows = []
            for option in options:
                record = option.get_help_record(ctx)
                if record is not None and option.name != "help":
                    rows.append(f"| `{_cell(record[0])}` | {_cell(record[1])} |")
            if rows:
                parts.append("| option | meaning |\n| --- | --- |\n" + "\n".join(rows) + "\n")
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                visit(command.commands[name], [*path, name])

    visit(main, ["noaber"])
    return "\n".join(parts)
