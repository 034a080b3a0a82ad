"""A real OpenID Connect provider for the tests, built on Authlib's server side and
served over HTTP on loopback: discovery, an authorization page (the person picks who
they are, or denies), a token endpoint that requires PKCE (S256), RS256 ID tokens and
a JWKS endpoint. `faults` makes it misbehave the way a broken or hostile one would."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from markupsafe import escape
from werkzeug.serving import make_server

CLIENT_ID, CLIENT_SECRET = "continuum-tests", "provider-secret-for-tests"


@dataclass
class Client(ClientMixin):
    redirect_uri: str = ""

    def get_client_id(self):
        return CLIENT_ID

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope.split() if s in ("openid", "email", "profile"))

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, CLIENT_SECRET)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    sub: str
    redirect_uri: str
    scope: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return None


@dataclass
class Provider:
    """What a test configures: the people (subject → claims) and the faults."""

    users: dict[str, dict] = field(default_factory=dict)
    faults: set[str] = field(default_factory=set)
    issuer: str = ""
    token_requests: list[dict] = field(default_factory=list)
    codes: dict[str, Code] = field(default_factory=dict)
    issued_id_tokens: list[str] = field(default_factory=list)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    # A key the JWKS never shows: a token signed with it is a forgery.
    foreign_key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "k1"}))
    client: Client = field(default_factory=Client)


def _grants(provider: Provider):
    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, req):
            provider.codes[code] = Code(
                code=code, sub=req.user, redirect_uri=req.payload.redirect_uri,
                scope=req.payload.scope, nonce=req.payload.data.get("nonce"),
                code_challenge=req.payload.data.get("code_challenge"),
                code_challenge_method=req.payload.data.get("code_challenge_method"))

        def query_authorization_code(self, code, client):
            return provider.codes.get(code)

        def delete_authorization_code(self, authorization_code):
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.sub

    class IdToken(OpenIDCode):
        def exists_nonce(self, nonce, req):
            return False

        def resolve_client_private_key(self, client):
            return provider.foreign_key if "forged_signature" in provider.faults else provider.key

        def get_client_algorithm(self, client):
            return "RS256"

        def get_encode_header(self, client):
            return {"alg": "RS256", "kid": "k1"}

        def get_client_claims(self, client):
            now = int(time.time())
            exp = now - 3600 if "expired" in provider.faults else now + 600
            aud = "someone-else" if "wrong_audience" in provider.faults else CLIENT_ID
            iss = "http://evil.invalid" if "wrong_issuer" in provider.faults else provider.issuer
            return {"iss": iss, "aud": [aud], "iat": now, "exp": exp}

        def generate_user_info(self, user, scope):
            return {"sub": user, **provider.users[user]}

    return CodeGrant, IdToken


def make_app(provider: Provider) -> Flask:
    app = Flask("test_oidc_provider")
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = False
    server = AuthorizationServer(
        app, query_client=lambda cid: provider.client if cid == CLIENT_ID else None,
        save_token=lambda token, req: None)
    code_grant, id_token = _grants(provider)
    server.register_grant(code_grant, [id_token(require_nonce=True), CodeChallenge(required=True)])

    @app.get("/.well-known/openid-configuration")
    def discovery():
        if "down" in provider.faults:
            return "unavailable", 503
        base = provider.issuer
        return jsonify({
            "issuer": base, "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        })

    @app.get("/jwks")
    def jwks():
        return jsonify({"keys": [provider.key.as_dict(private=False)]})

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        if request.method == "GET":
            grant = server.get_consent_grant(end_user=None)
            # The page a person sees: who are you? (the test posts the choice back)
            return f"<form method=post>sign in to {escape(grant.client.get_client_id())}" \
                   "<input name=sub><button name=action value=approve>" \
                   "<button name=action value=deny></form>"
        sub = request.form["sub"] if request.form.get("action") == "approve" else None
        grant = server.get_consent_grant(end_user=sub)
        return server.create_authorization_response(grant=grant, grant_user=sub)

    @app.post("/token")
    def token():
        provider.token_requests.append(request.form.to_dict())
        if "replay_id_token" in provider.faults and provider.issued_id_tokens:
            response = server.create_token_response()
            data = response.get_json()
            if "id_token" in data:  # hand out the previous sign-in's ID token again
                data["id_token"] = provider.issued_id_tokens[0]
            return jsonify(data), response.status_code
        response = server.create_token_response()
        if response.status_code == 200:
            provider.issued_id_tokens.append(response.get_json().get("id_token"))
        return response

    return app


class running:
    """The provider served by a real HTTP server on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, provider: Provider):
        self.provider = provider

    def __enter__(self) -> Provider:
        self.server = make_server("127.0.0.1", 0, make_app(self.provider), threaded=True)
        self.provider.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.provider

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
