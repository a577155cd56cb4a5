"""Refuse bad answers before anything is written (rendered by cookiecutter first)."""

import base64
import json
import sys

sys.path.insert(0, base64.b64decode("{{ cookiecutter|template_dir|b64 }}").decode())

from noaber_plugin_template import AnswerError, check_answers

ANSWERS = json.loads(base64.b64decode("{{ cookiecutter|jsonify|b64 }}"))

try:
    check_answers(ANSWERS)
except AnswerError as exc:
    problems = "\n  ".join(str(exc).splitlines())
    sys.stderr.write(f"ERROR: the plugin cannot be generated:\n  {problems}\n")
    sys.exit(1)
