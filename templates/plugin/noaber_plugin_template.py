"""Checking the answers of the plugin template (used by ``hooks/pre_gen_project.py``)."""

from __future__ import annotations

import base64
import keyword
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
REVISION = re.compile(r"^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$")
RESERVED = {"core", "platform", "noaber", "sample", "tenant", "test", "tests"}


class AnswerError(ValueError):
    """One or more answers are not acceptable; the message lists each."""


def check_answers(answers: dict[str, Any]) -> None:
    problems: list[str] = []
    name = str(answers.get("plugin_name", ""))
    if not (NAME.match(name) and name.isidentifier() and not keyword.iskeyword(name)):
        problems.append(
            f"plugin_name: {name!r} is not a Python identifier in lower case "
            "(letters, digits and _, starting with a letter; e.g. 'maatjes')"
        )
    elif len(name) > 40:
        problems.append(f"plugin_name: {name!r} is longer than 40 characters")
    elif name in RESERVED:
        problems.append(f"plugin_name: {name!r} is reserved by core")
    elif name in {ep.name for ep in metadata.entry_points(group="noaber.plugins")}:
        problems.append(f"plugin_name: a plugin named {name!r} is already installed")
    if not str(answers.get("title", "")).strip():
        problems.append("title: give the programme a title")
    if not str(answers.get("description", "")).strip():
        problems.append("description: say in one sentence what the programme does")
    if not REVISION.match(str(answers.get("core_revision", ""))):
        problems.append(f"core_revision: {answers.get('core_revision')!r} is not a revision id")
    if problems:
        raise AnswerError("\n".join(problems))


def b64(value: Any) -> str:
    """Base64 of a string: embeds any answer safely in a generated Python literal."""
    return base64.b64encode(str(value).encode()).decode()


def template_dir(_context: Any) -> str:
    """This template's folder, absolute (the hooks import this module from it)."""
    return str(Path(__file__).resolve().parent)


def revisions(value: str) -> str:
    """``depends_on`` as Python: one id as a string, several as a tuple."""
    ids = [v for v in str(value).split(",") if v]
    return repr(ids[0]).replace("'", '"') if len(ids) == 1 else repr(tuple(ids)).replace("'", '"')


class NoaberPluginExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["b64"] = b64
        environment.filters["template_dir"] = template_dir
        environment.filters["revisions"] = revisions
