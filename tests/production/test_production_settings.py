"""What production serving relies on, checked in-process: the transports setting reaches
the server and the page, `serve --production` refuses a layout that cannot work, the
health check states without details, and a stopping worker finishes its passes."""

from __future__ import annotations

import re
import threading
import time

import pytest

from community import create_app, lifecycle
from community.extensions import db as _db
from tests.realtime.live_server import free_port


def _app(tmp_path, **settings):
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                       "SECRET_KEY": "x", "SEARCH_INDEX_DIR": str(tmp_path / "index"),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}", **settings})


def _dispose(app):
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_websocket_only_is_what_the_page_asks_for_and_all_the_server_accepts(tmp_path):
    app = _app(tmp_path, SOCKETIO_TRANSPORTS=["websocket"])
    with app.app_context():
        _db.create_all()
    client = app.test_client()
    page = client.get("/")
    assert re.search(r'data-transports="websocket"', page.get_data(as_text=True))
    polling = client.get("/socket.io/?EIO=4&transport=polling")
    assert polling.status_code == 400 and b"sid" not in polling.data
    _dispose(app)


def test_by_default_browsers_try_the_websocket_then_long_polling(app, client):
    assert 'data-transports="websocket,polling"' in client.get("/").get_data(as_text=True)
    polling = client.get("/socket.io/?EIO=4&transport=polling")
    assert polling.status_code == 200 and b'"sid"' in polling.data


@pytest.mark.parametrize("value", [[], ["websocket", "carrier-pigeon"], "sse"])
def test_a_transport_that_does_not_exist_stops_the_app_at_start(tmp_path, value):
    with pytest.raises(ValueError, match="SOCKETIO_TRANSPORTS"):
        _app(tmp_path, SOCKETIO_TRANSPORTS=value)


def test_several_gunicorn_workers_with_long_polling_are_refused_in_one_line(app):
    result = app.test_cli_runner().invoke(args=["community", "serve", "--production",
                                                "--port", str(free_port()), "--workers", "2"])
    assert result.exit_code == 1
    assert result.output.startswith('Error: several workers need SOCKETIO_TRANSPORTS = ["websocket"]')
    assert len(result.output.strip().splitlines()) == 1


def test_workers_without_production_is_refused_in_one_line(app):
    result = app.test_cli_runner().invoke(args=["community", "serve", "--port",
                                                str(free_port()), "--workers", "2"])
    assert (result.exit_code, result.output) == (1, "Error: --workers needs --production\n")


def test_the_health_check_says_degraded_for_a_silent_queue_and_names_nothing(tmp_path):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = _app(tmp_path, SOCKETIO_MESSAGE_QUEUE=url)
    with app.app_context():
        _db.create_all()
    resp = app.test_client().get("/healthz")
    assert (resp.status_code, resp.get_json()["realtime"], resp.get_json()["database"]) == (
        200, "degraded", "ok")
    assert "127.0.0.1" not in resp.get_data(as_text=True)
    _dispose(app)


def test_the_health_check_is_a_503_without_the_database_and_names_nothing(tmp_path):
    app = _app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'c.db'}")
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json() | {"search": "-", "search_ranking": "-"} == {
        "status": "error", "database": "error", "realtime": "ok", "search": "-",
        "search_ranking": "-"}
    assert "missing" not in resp.get_data(as_text=True)
    _dispose(app)


@pytest.fixture
def fresh_lifecycle():
    yield
    with lifecycle._cond:  # a parked loop of the test wakes, runs its last pass and ends
        lifecycle._state.update(stopping=False)
        lifecycle._cond.notify_all()


def test_stop_waits_for_the_pass_in_hand_and_no_pass_starts_after(fresh_lifecycle):
    log: list[str] = []
    release = threading.Event()

    def loop():
        for _ in range(2):  # the second pass waits for the process to exit
            with lifecycle.one_pass():
                log.append("pass started")
                release.wait(5)
                log.append("pass finished")

    threading.Thread(target=loop, daemon=True).start()
    assert _until(lambda: log == ["pass started"])
    stopper = threading.Thread(target=lambda: log.append(f"stopped {lifecycle.stop(5)}"))
    stopper.start()
    time.sleep(0.2)
    assert log == ["pass started"]  # stop() is still waiting for the pass
    release.set()
    stopper.join(5)
    time.sleep(0.2)  # the loop reached its next pass: it waits there
    assert log == ["pass started", "pass finished", "stopped True"]


def test_stop_gives_up_after_its_timeout(fresh_lifecycle):
    entered = threading.Event()

    def stuck():
        with lifecycle.one_pass():
            entered.set()
            time.sleep(1.0)

    worker = threading.Thread(target=stuck, daemon=True)
    worker.start()
    assert entered.wait(5)
    started = time.monotonic()
    assert lifecycle.stop(0.2) is False
    assert time.monotonic() - started < 0.9
    worker.join(5)


def _until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.01)
    return predicate()
