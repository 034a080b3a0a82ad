"""README "Mirroring cases in a CRM" is executable documentation: its receiver runs
here, exactly as printed, against deliveries the application signs and sends, and its
write-back call is sent as printed. If either drifts from the app, this fails."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from community.models import WebhookDelivery
from community.webhooks import sender

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET = "a-shared-secret-for-the-crm-receiver-test"


def _section() -> str:
    text = README.read_text()
    start = text.index("### Mirroring cases in a CRM")
    end = text.find("\n## ", start)
    return text[start:end]


def _block(language: str) -> str:
    match = re.search(rf"```{language}\n(.*?)```", _section(), re.S)
    assert match, f"no {language} block in the README section"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def crm_receiver(tmp_path):
    """The README's receiver, started as its own process as the README says to."""
    script = tmp_path / "crm_receiver.py"
    script.write_text(_block("python"))
    port = _free_port()
    env = {**os.environ, "CONTINUUM_WEBHOOK_SECRET": SECRET, "PORT": str(port)}
    proc = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "the README receiver never listened"
                time.sleep(0.05)
        proc.url = f"http://127.0.0.1:{port}/crm"
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _output(proc) -> list[str]:
    proc.terminate()
    out, _err = proc.communicate(timeout=10)
    return [line for line in out.splitlines() if line.strip()]


def test_the_readme_receiver_verifies_and_mirrors_real_deliveries(
        db, crm_receiver, admin_client, employee_client, make_thread, make_user,
        make_organisation):
    asker = make_user()
    make_organisation(name="Acme Corp", tier="premium", members=[asker])
    hook = admin_client.post("/api/v1/webhooks", json={
        "url": crm_receiver.url, "secret": SECRET, "include_internal": True,
        "events": ["case.opened", "case.updated", "case.resolved"]})
    assert hook.status_code == 201, hook.get_json()
    thread = make_thread(author=asker)
    case = employee_client.post(f"/api/v1/threads/{thread.id}/escalate", json={}).get_json()

    # The write-back, as the README prints it (its path, its JSON), for this case.
    curl = _block("sh")
    patch = next(line for line in curl.split("curl")[1:] if "PATCH" in line)
    words = shlex.split(patch.replace("\\\n", " "))
    path = re.sub(r"^https?://[^/]+", "", next(w for w in words if "/api/v1/cases/" in w))
    body = json.loads(words[words.index("-d") + 1])
    resp = employee_client.patch(re.sub(r"/\d+$", f"/{case['id']}", path), json=body)
    assert resp.status_code == 200, resp.get_json()
    ref = body["external_ref"]
    lookup = next(w for w in shlex.split(curl.split("curl")[-1].replace("\\\n", " "))
                  if "external_ref=" in w)
    found = employee_client.get(re.sub(r"^https?://[^/]+", "", lookup)).get_json()
    assert [c["id"] for c in found["items"]] == [case["id"]]

    employee_client.post(f"/api/v1/cases/{case['id']}/transition", json={"action": "resolve"})
    assert sender.send_due(db.session) == 3
    db.session.expire_all()
    rows = list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
    assert [(r.event, r.state, r.status_code) for r in rows] == [
        ("case.opened", "delivered", 204), ("case.updated", "delivered", 204),
        ("case.resolved", "delivered", 204)]

    # A forged delivery is refused and mirrors nothing.
    forged = urllib.request.Request(crm_receiver.url, data=rows[0].body.encode(), method="POST",
                                    headers={"X-Continuum-Signature": "sha256=" + "0" * 64,
                                             "X-Continuum-Delivery": "forged",
                                             "Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=5)
    assert refused.value.code == 401
    # A redelivery (same id and body) is recognised and not mirrored twice.
    admin_client.post(f"/api/v1/webhooks/{hook.get_json()['id']}/deliveries/{rows[1].uid}/redeliver")
    assert sender.send_due(db.session) == 1

    assert _output(crm_receiver) == [
        f"open a ticket for case {case['id']}: state=new priority=normal ticket=None",
        f"update the ticket for case {case['id']}: state=new priority={body['priority']} "
        f"ticket={ref}",
        f"close the ticket for case {case['id']}: state=resolved priority={body['priority']} "
        f"ticket={ref}",
    ]


def test_the_readme_receiver_is_short_and_standard_library_only():
    code = _block("python")
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) <= 25
    imported = set(re.findall(r"^(?:from|import) ([\w.]+)", code, re.M))
    imported |= {name.strip() for line in re.findall(r"^import (.+)$", code, re.M)
                 for name in line.split(",")}
    assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names)
