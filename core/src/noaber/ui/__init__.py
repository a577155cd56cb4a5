"""The web interface: server-rendered pages (Jinja, htmx) in the NL Design System style.

Registered as a built-in plugin (``noaber.ui.plugin``). Plugins add pages with their own
route handlers and :func:`noaber.ui.templating.render`, and contribute navigation, work
list items and report tables through the ``ui_*`` hooks (see docs/ui.md).
"""
