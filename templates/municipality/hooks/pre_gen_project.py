"""Refuse bad answers before anything is written (rendered by cookiecutter first).

The answers and this template's folder are embedded base64-encoded, so no answer can
break the Python syntax of this script.
"""

import base64
import json
import sys

sys.path.insert(0, base64.b64decode("{{ cookiecutter|template_dir|b64 }}").decode())

from noaber_municipality_template import (
    AnswerError,
    config_from_answers,
    validate_with_noaber,
)

ANSWERS = json.loads(base64.b64decode("{{ cookiecutter|jsonify|b64 }}"))

try:
    validate_with_noaber(config_from_answers(ANSWERS))
except AnswerError as exc:
    problems = "\n  ".join(str(exc).splitlines())
    sys.stderr.write(f"ERROR: the municipality cannot be generated:\n  {problems}\n")
    sys.exit(1)
