"""Single sign-on with an OpenID Connect provider (Authlib's Flask client).

`client(app)` is the provider's client when COMMUNITY_OIDC_ISSUER, _CLIENT_ID and
_CLIENT_SECRET are set, else None (and the pages are 404s). `finish()` turns the
provider's answer into validated ID-token claims or a `SignInFailed` with a message
for people; `accounts.resolve()` turns those claims into the local account.
"""

from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from flask_babel import gettext as _
from joserfc.errors import JoseError

_EXTENSION = "community_oidc"


class SignInFailed(Exception):
    """The provider's answer cannot sign anybody in; ``message`` says why, for people."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def configured(app=None) -> bool:
    cfg = (app or current_app).config
    return bool(cfg["OIDC_ISSUER"] and cfg["OIDC_CLIENT_ID"] and cfg["OIDC_CLIENT_SECRET"])


def init_app(app) -> None:
    if not configured(app):
        return
    cfg = app.config
    timeout = float(cfg["OIDC_TIMEOUT"])
    oauth = OAuth(app)
    app.extensions[_EXTENSION] = oauth.register(
        "oidc",
        client_id=cfg["OIDC_CLIENT_ID"],
        client_secret=cfg["OIDC_CLIENT_SECRET"],
        server_metadata_url=cfg["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": cfg["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            # Every call to the provider (discovery, keys, token): a frozen provider
            # fails this sign-in after the timeout instead of holding a worker.
            "default_timeout": (timeout, timeout),
        },
    )


def client():
    return current_app.extensions.get(_EXTENSION)


def _unreachable() -> SignInFailed:
    return SignInFailed(_("The sign-in provider did not answer. Try again in a moment, "
                          "or sign in with your password."), 502)


def _check_issuer(oidc) -> None:
    # Discovery from the configured issuer must name that issuer, or tokens would be
    # checked against whatever another server says it is (OpenID Discovery 4.3).
    metadata = oidc.load_server_metadata()
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        raise SignInFailed(_("The sign-in provider is not configured correctly: nobody "
                             "can sign in with it for now."), 502)


def start(oidc, redirect_uri: str):
    """The redirect to the provider; state, nonce and PKCE verifier stay in the session."""
    try:
        _check_issuer(oidc)
        return oidc.authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        current_app.logger.warning("OIDC provider unusable: %s", exc)
        raise _unreachable() from exc


def finish(oidc) -> dict:
    """The ID token's claims, checked: state, then at the token endpoint the code and PKCE
    verifier, then signature (the provider's JWKS), issuer, audience, expiry and nonce."""
    cfg = current_app.config
    options = {"iss": {"essential": True, "value": cfg["OIDC_ISSUER"]},
               "aud": {"essential": True, "value": cfg["OIDC_CLIENT_ID"]},
               "sub": {"essential": True}}
    try:
        _check_issuer(oidc)
        token = oidc.authorize_access_token(claims_options=options, leeway=60)
    except MismatchingStateError as exc:
        raise SignInFailed(_("This sign-in has expired or was already used, or it was "
                             "started in another browser. Start again.")) from exc
    except OAuthError as exc:
        if exc.error == "access_denied":
            raise SignInFailed(_("Signing in was cancelled at the provider.")) from exc
        current_app.logger.warning("OIDC provider refused: %s %s", exc.error, exc.description)
        raise SignInFailed(_("The sign-in provider refused this sign-in. Start again.")) from exc
    except (JoseError, AuthlibBaseError) as exc:
        current_app.logger.warning("OIDC ID token refused: %s", exc)
        raise _bad_answer() from exc
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        current_app.logger.warning("OIDC provider unusable: %s", exc)
        raise _unreachable() from exc
    claims = token.get("userinfo")
    if not claims or not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise _bad_answer()  # no ID token: nothing says who this is
    return dict(claims)


def _bad_answer() -> SignInFailed:
    return SignInFailed(_("The sign-in provider's answer could not be verified, so nobody "
                          "was signed in. Start again."))
