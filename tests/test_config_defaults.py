"""Every setting has one default, in community/config.py, and README.md documents it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from community import create_app
from community.config import Defaults, Wiring, settings

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \| (.+?) \|")
# A setting read by name: config["X"] or config.get("X"...
READ = re.compile(r"config(?:\[|\.get\()\s*\"([A-Z][A-Z0-9_]*)\"")
# Framework keys the code reads that Flask itself always defines (SECRET_KEY_FALLBACKS:
# security.SessionCookies builds Flask's signer as Flask does).
FLASK_OWN = {"TESTING", "DEBUG", "SECRET_KEY_FALLBACKS"}


def _readme_table() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            assert match[1] not in rows, f"{match[1]} is documented twice"
            rows[match[1]] = match[2].strip()
    return rows


def _code() -> dict[Path, str]:
    return {p: p.read_text() for p in (ROOT / "community").rglob("*.py")}


def test_every_documented_setting_exists_with_the_documented_default():
    rows = _readme_table()
    defaults = settings()
    for name, cell in rows.items():
        assert name in defaults, f"README documents {name}, which community/config.py lacks"
        value = defaults[name]
        if cell == "in code":
            assert isinstance(value, (list, dict, tuple)), f"{name}: only data may say 'in code'"
        else:
            assert cell.startswith("`") and cell.endswith("`"), f"{name}: default {cell!r}"
            assert ast.literal_eval(cell[1:-1]) == value, f"{name}: README {cell}, code {value!r}"


def test_every_setting_but_the_wiring_is_documented():
    documented = set(_readme_table())
    undocumented = set(settings()) - set(settings(Wiring)) - documented
    assert not undocumented, f"settings missing from README.md Configuration: {sorted(undocumented)}"
    assert not documented & set(settings(Wiring))


def test_code_reads_only_settings_that_have_a_default_and_gives_none_of_its_own():
    defaults = settings()
    for path, source in _code().items():
        where = path.relative_to(ROOT)
        for name in READ.findall(source):
            assert name in defaults or name in FLASK_OWN, f"{where} reads {name}, which has no default"
        assert not re.search(r"config\.get\(\s*\"[A-Z0-9_]+\"\s*,", source), \
            f"{where} gives a setting a second default with config.get(name, default)"
        assert "config.setdefault(" not in source, f"{where} sets a default outside config.py"


def test_an_app_without_settings_runs_on_the_defaults(tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance)})
    for name, value in settings().items():
        # Engine options get the SQLite connection arguments added (community/database.py).
        if value is not None and name not in ("SQLALCHEMY_ENGINE_OPTIONS",
                                              "BABEL_TRANSLATION_DIRECTORIES"):
            assert app.config[name] == value, name
    # None means "under the instance folder", resolved once at start-up.
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'community.db'}"
    assert app.config["SEARCH_INDEX_DIR"] == str(instance / "search-index")
    assert app.config["MAIL_OUTBOX_DIR"] == str(instance / "outbox")
    assert (instance / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    assert Path(app.config["BABEL_TRANSLATION_DIRECTORIES"], "fr", "LC_MESSAGES",
                "messages.po").exists()


def test_changing_a_data_setting_in_one_app_leaves_the_next_app_alone(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path / "a")})
    first.config["FLOOD_LIMITS"]["post"] = "1 per day"
    first.config["ESCALATION_SPACES"]["billing"] = {"no_answer_hours": 4}
    second = create_app({"INSTANCE_PATH": str(tmp_path / "b")})
    assert second.config["FLOOD_LIMITS"] == Defaults.FLOOD_LIMITS
    assert Defaults.FLOOD_LIMITS["post"] == "1 per 5 second"
    assert second.config["ESCALATION_SPACES"] == {}
