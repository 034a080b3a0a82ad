"""Cutting replies by email down to what their author wrote, per mail client, and for any
reply text (a property test)."""

from __future__ import annotations

import email
from email import policy

from hypothesis import given, settings
from hypothesis import strategies as st

from community.mailin.message import body_text, unflow
from community.mailin.quotes import strip_reply

QUOTE = "> The machine leaks from the group head.\n> What should I do?\n"

GMAIL = "On Mon, 7 Dec 2026 at 10:00, Anna Smith <anna@example.com> wrote:\n\n" + QUOTE
GMAIL_WRAPPED = ("On Mon, 7 Dec 2026 at 10:00, Continuum Community Notifications <\n"
                 "noreply@community.example.com> wrote:\n\n" + QUOTE)
APPLE = "On 7 Dec 2026, at 10:00, Anna Smith <anna@example.com> wrote:\n\n" + QUOTE
FRENCH_GMAIL = ("Le lun. 7 déc. 2026 à 10:00, Anna Smith <anna@example.com> a\u00a0écrit\u202f:\n\n"
                + QUOTE)
THUNDERBIRD_FR = "Le 07/12/2026 à 10:00, Anna Smith a écrit :\n" + QUOTE
OUTLOOK = ("________________________________\n"
           "From: Anna Smith <anna@example.com>\n"
           "Sent: Monday, December 7, 2026 10:00 AM\n"
           "To: Bob <bob@example.com>\n"
           "Subject: RE: Leaking machine\n\n"
           "The machine leaks from the group head.\n")
OUTLOOK_FR = ("De : Anna Smith <anna@example.com>\n"
              "Envoyé : lundi 7 décembre 2026 10:00\n"
              "À : Bob\nObjet : RE: Fuite\n\nLa machine fuit.\n")
ORIGINAL = ("-----Original Message-----\nFrom: Anna Smith\nSent: Monday\n\n"
            "The machine leaks from the group head.\n")
ANGLES = QUOTE
FORMATS = [GMAIL, GMAIL_WRAPPED, APPLE, FRENCH_GMAIL, THUNDERBIRD_FR, OUTLOOK, OUTLOOK_FR,
           ORIGINAL, ANGLES]
SIGNATURES = ["", "\n-- \nBob Martin\nACME Coffee\n", "\nSent from my iPhone\n",
              "\nEnvoyé de mon iPhone\n", "\n-- \nBob\n\nSent from my iPad\n"]

REPLY = "Replacing the gasket fixed it.\n\nThanks!"


def test_gmail():
    assert strip_reply(f"{REPLY}\n\n{GMAIL}") == REPLY


def test_gmail_with_a_wrapped_attribution():
    assert strip_reply(f"{REPLY}\n\n{GMAIL_WRAPPED}") == REPLY


def test_apple_mail():
    assert strip_reply(f"{REPLY}\n\nSent from my iPhone\n\n{APPLE}") == REPLY


def test_french_gmail_and_thunderbird():
    assert strip_reply(f"Merci, ça marche.\n\n{FRENCH_GMAIL}") == "Merci, ça marche."
    assert strip_reply(f"Merci.\n\n{THUNDERBIRD_FR}") == "Merci."


def test_outlook_header_blocks():
    assert strip_reply(f"{REPLY}\n\n{OUTLOOK}") == REPLY
    assert strip_reply(f"{REPLY}\n\n{OUTLOOK_FR}") == REPLY
    assert strip_reply(f"{REPLY}\n\n{ORIGINAL}") == REPLY


def test_quoted_lines_and_signatures():
    assert strip_reply(f"{REPLY}\n\n{ANGLES}") == REPLY
    assert strip_reply(f"{REPLY}\n-- \nBob Martin\nACME\n\n{GMAIL}") == REPLY
    assert strip_reply(f"{REPLY}\n\nEnvoyé de mon iPhone") == REPLY


def test_a_reply_written_under_the_quote_is_kept():
    assert strip_reply(f"{GMAIL}\n{REPLY}\n") == REPLY


def test_markdown_survives_code_blocks_lists_and_colons():
    reply = ("Try this:\n\n    sudo descale --full\n    reboot\n\n- first the gasket\n"
             "- then the shower screen\n\nThanks to Anna: it works.\n\n"
             "On my machine it took 10 minutes.")
    assert strip_reply(f"{reply}\n\n{GMAIL}") == reply
    assert strip_reply(f"{reply}\n\n{OUTLOOK}") == reply


def test_only_a_quote_is_no_text():
    assert strip_reply(QUOTE) == ""
    assert strip_reply(f"\n\n{OUTLOOK}") == ""
    assert strip_reply("Sent from my iPhone\n\n" + GMAIL) == ""


def test_format_flowed_lines_are_joined():
    assert unflow("A long line that \nwent on.\n-- \nsig", delsp=False) == \
        "A long line that went on.\n-- \nsig"
    raw = (b"From: a@example.com\r\nContent-Type: text/plain; charset=utf-8; format=flowed; "
           b"delsp=yes\r\n\r\nA long line th \r\nat went on.\r\n")
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert body_text(msg) == "A long line that went on.\n"


# Reply text may hold anything but what marks a quote or a signature at a line's start.
_WORDS = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàçABCXYZ0123456789 .,:;!?'()->*_"),
                 min_size=1, max_size=50)
_MARKERS = (">", "--", "from", "de ", "de:", "sent", "date", "envoy", "get outlook", "obtenir",
            "télécharger", "___")
_LINE = _WORDS.map(str.strip).filter(lambda s: s and not s.lower().startswith(_MARKERS))


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.one_of(_LINE, _LINE.map(lambda s: "    " + s), st.just("")),
                      min_size=1, max_size=10),
       signature=st.sampled_from(SIGNATURES), quote=st.sampled_from(FORMATS),
       gap=st.sampled_from(["\n", "\n\n", "\r\n\r\n"]))
def test_any_reply_text_above_any_quote_is_kept_exactly(lines, signature, quote, gap):
    reply = "\n".join(lines).strip("\n")
    if not reply.strip():
        reply = "ok"
    text = f"{reply}{gap}{signature}{gap}{quote}"
    assert strip_reply(text) == reply
