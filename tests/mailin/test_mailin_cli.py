"""`flask community mail-in`: a real process listening for replies, and its one-line refusal
to start without a reply domain."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from community.models import Post
from community.notifications import reply_address
from tests.mailin.conftest import DOMAIN, free_port
from tests.mailin.mailin_tools import send

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def test_mail_in_without_a_reply_domain_is_one_line(app):
    result = app.test_cli_runner().invoke(args=["community", "mail-in", "--port", "2599"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "MAIL_REPLY_DOMAIN" in lines[0], result.stderr


def test_the_mail_in_process_posts_a_reply(app, db, make_user, make_thread):
    from email.message import EmailMessage

    member = make_user()
    thread = make_thread(title="Which beans for a light roast espresso?")
    app.config["MAIL_REPLY_DOMAIN"] = DOMAIN
    to = reply_address.address(member.id, thread.id)
    sender = member.email
    db.session.commit()  # read nothing more: outside a request a read takes SQLite's lock
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "COMMUNITY_INSTANCE_PATH": app.instance_path,
           "COMMUNITY_SECRET_KEY": app.config["SECRET_KEY"],
           "COMMUNITY_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
           "COMMUNITY_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
           "COMMUNITY_MAIL_REPLY_DOMAIN": DOMAIN}
    proc = subprocess.Popen([FLASK, "--app", "wsgi", "community", "mail-in", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert "listening on 127.0.0.1:" in proc.stdout.readline()
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, to, "Re: beans"
        msg["Message-ID"] = "<cli-test@mail.example.test>"
        msg.set_content("A washed Ethiopian works well.\n\nSent from my iPhone\n")
        deadline = time.monotonic() + 30
        while True:
            try:
                assert send(port, msg) == {}
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err
    [post] = db.session.scalars(select(Post).where(Post.thread_id == thread.id,
                                                   Post.author_id == member.id)).all()
    assert post.body == "A washed Ethiopian works well."
