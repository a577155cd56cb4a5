"""The plugin template: both option combinations bake cleanly, bad answers are refused,
and a bake's migration runs and its route answers only where the plugin is enabled
(here in-process, through constructed entry points; test_installed.py installs it)."""

from __future__ import annotations

import dataclasses
import sys
from importlib import metadata

import pytest
from click.testing import CliRunner
from cookiecutter.exceptions import FailedHookException
from litestar.testing import TestClient
from sqlalchemy import inspect
from template_helpers import PLUGIN_COMBOS, RUN_CACHES, bake

from noaber.cli import main
from noaber.cli.new import core_migration_head
from noaber.db import migrate
from noaber.db.engine import make_engine
from noaber.municipalities.loader import discover_municipalities, load_municipality_from_path
from noaber.platform import Platform
from noaber.plugins import PLUGIN_GROUP, discover_plugins
from noaber.settings import Settings
from noaber.tenancy.registry import provision
from noaber.testing import logged_in_client
from noaber.web.app import create_app


def test_no_template_syntax_is_left(baked_plugins):
    for project in baked_plugins.values():
        for path in project.rglob("*"):
            if RUN_CACHES & set(path.relative_to(project).parts):
                continue
            assert "cookiecutter" not in str(path.relative_to(project))
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                for marker in ("{{ cookiecutter.", "{{cookiecutter.", "{%", "{#"):
                    assert marker not in text, f"{path}: {marker!r} left"


def test_options_decide_which_files_exist(baked_plugins):
    for answers in PLUGIN_COMBOS:
        name = answers["plugin_name"]
        package = baked_plugins[name] / "src" / f"noaber_{name}"
        for always in ("plugin.py", "settings.py", "routes.py", "py.typed"):
            assert (package / always).is_file()
        assert (package / "models.py").exists() == answers["with_model"]
        assert (package / "migrations").exists() == answers["with_model"]
        assert (baked_plugins[name] / "tests" / "test_model.py").exists() == answers["with_model"]
        pyproject = (baked_plugins[name] / "pyproject.toml").read_text()
        assert f'{name} = "noaber_{name}.plugin"' in pyproject


def test_first_migration_starts_the_plugin_branch(baked_plugins):
    (revision,) = (baked_plugins["maatjes"] / "src" / "noaber_maatjes" / "migrations").glob("*.py")
    text = revision.read_text()
    assert 'branch_labels = ("maatjes",)' in text
    assert 'depends_on = "0001_platform"' in text
    assert "down_revision = None" in text


@pytest.fixture
def baked_plugin_catalog(baked_plugins, monkeypatch):
    for project in baked_plugins.values():
        monkeypatch.syspath_prepend(str(project / "src"))
    eps = [
        *metadata.entry_points(group=PLUGIN_GROUP),
        *(
            metadata.EntryPoint(name=name, value=f"noaber_{name}.plugin", group=PLUGIN_GROUP)
            for name in baked_plugins
        ),
    ]
    yield discover_plugins(Settings(), entry_points=eps)
    for name in baked_plugins:
        for module in [m for m in sys.modules if m.startswith(f"noaber_{name}")]:
            del sys.modules[module]


def test_baked_plugin_migrates_and_answers_only_where_enabled(
    baked_plugins, baked_plugin_catalog, empty_database_url
):
    catalog = baked_plugin_catalog
    engine = make_engine(empty_database_url, pool_size=2)
    migrate.upgrade(engine, catalog)
    assert "maatjes_item" in inspect(engine).get_table_names()
    assert "maatjes_0001" in migrate.current(engine)
    assert migrate.is_up_to_date(engine, catalog)
    municipalities = dict(discover_municipalities(catalog))
    for name in baked_plugins:
        proefstad = load_municipality_from_path(
            baked_plugins[name] / "tests" / "municipalities" / "proefstad.toml", catalog
        )
        # One test municipality per bake, each enabling that plugin.
        config = proefstad.config.model_copy(
            update={"slug": f"{name}_stad", "cbs_code": f"GM97{len(municipalities):02d}"}
        )
        municipalities[config.slug] = dataclasses.replace(proefstad, config=config)
    platform = Platform.build(
        Settings(database_url=empty_database_url, tenant=None),
        catalog=catalog,
        municipalities=municipalities,
        engine=engine,
    )
    try:
        with platform.sessions.begin() as session:
            for municipality in municipalities.values():
                provision(session, municipality)
        platform.load_tenants()
        with TestClient(create_app(platform)) as client:
            for name in baked_plugins:
                staff = logged_in_client(client, platform, f"{name}-stad.localhost")
                ok = staff.get(f"/api/{name}")
                assert ok.status_code == 200, ok.text
                assert ok.json()["programme"] == name
                for other in ("meppel", "amersfoort"):
                    elsewhere = logged_in_client(client, platform, other)
                    assert elsewhere.get(f"/api/{name}").status_code == 404
            maatjes = logged_in_client(client, platform, "maatjes-stad.localhost")
            created = maatjes.post("/api/maatjes/items", json={"title": "Eerste"})
            assert created.status_code == 201, created.text
    finally:
        platform.dispose()


BAD_ANSWERS = [
    ({"plugin_name": "1maatjes"}, "plugin_name: '1maatjes' is not a Python identifier"),
    ({"plugin_name": "Maatjes"}, "plugin_name: 'Maatjes' is not a Python identifier"),
    ({"plugin_name": "maat-jes"}, "plugin_name: 'maat-jes' is not a Python identifier"),
    ({"plugin_name": "core"}, "plugin_name: 'core' is reserved"),
    ({"plugin_name": "buurtgezinnen"}, "a plugin named 'buurtgezinnen' is already installed"),
    ({"core_revision": "0001; drop"}, "core_revision: '0001; drop' is not a revision id"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_ANSWERS, ids=[m for _, m in BAD_ANSWERS])
def test_pre_generation_hook_refuses_bad_answers(bad, message, tmp_path, capfd):
    with pytest.raises(FailedHookException):
        bake("plugin", tmp_path, **bad)
    assert message in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_noaber_new_plugin_fills_in_core_head(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "new",
            "plugin",
            "--no-input",
            "-o",
            str(tmp_path),
            "--name",
            "schuldhulp",
            "--title",
            "Schuldhulp",
        ],
    )
    assert result.exit_code == 0, result.output
    (revision,) = (tmp_path / "schuldhulp" / "src" / "noaber_schuldhulp" / "migrations").glob(
        "*.py"
    )
    assert f'depends_on = "{core_migration_head()}"' in revision.read_text()
