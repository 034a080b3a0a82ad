"""Each process keeps the settings in memory and reads one row per request to know
whether they changed: reader threads of another app see the old rules or the new ones
(never a mix, never going back), all see the new ones once written, and nothing is
reloaded while nothing changes."""

from __future__ import annotations

import threading
import time

from community import create_app, site_rules
from community.extensions import db as _db
from tests.sitesettings.conftest import URL

READERS = 6


def _other_process(app):
    keys = ("TESTING", "INSTANCE_PATH", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
            "SEARCH_INDEX_DIR", "PASSWORD_HASH_METHOD", "ANALYTICS_FLUSH_INTERVAL")
    return create_app({k: app.config[k] for k in keys})


def test_reader_threads_see_a_write_whole_and_at_once(app, admin_client, db):
    other = _other_process(app)
    seen: list[list[tuple]] = [[] for _ in range(READERS)]
    errors: list[BaseException] = []
    written = threading.Event()
    started = threading.Barrier(READERS + 1)

    def read(i: int) -> None:
        try:
            started.wait()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with other.test_request_context("/"):
                    rules = site_rules.value("PRIVILEGES")
                    seen[i].append((rules["downvote"], rules["edit_others"]))
                if written.is_set() and seen[i][-1] == (50, 900):
                    return
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    for t in threads:
        t.start()
    started.wait()
    time.sleep(0.2)
    admin_client.patch(URL, json={"privileges": {"downvote": 50, "edit_others": 900}})
    written.set()
    for t in threads:
        t.join(30)
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()
    assert not errors
    for values in seen:
        assert set(values) <= {(125, 1000), (50, 900)}  # whole, never half a write
        first_new = values.index((50, 900))  # every reader saw the change
        assert all(v == (50, 900) for v in values[first_new:])  # and never went back


def test_nothing_is_reloaded_while_nothing_changes(app, admin_client, db):
    admin_client.patch(URL, json={"privileges": {"downvote": 70}})
    other = _other_process(app)
    with other.test_request_context("/"):
        assert site_rules.value("PRIVILEGES")["downvote"] == 70
        snapshot = other.extensions["site_rules"].snapshot
    for _ in range(3):
        with other.test_request_context("/"):
            assert site_rules.value("PRIVILEGES")["downvote"] == 70
    assert other.extensions["site_rules"].snapshot is snapshot
    admin_client.patch(URL, json={"privileges": {"downvote": 80}})
    with other.test_request_context("/"):
        assert site_rules.value("PRIVILEGES")["downvote"] == 80
    assert other.extensions["site_rules"].snapshot is not snapshot
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()
