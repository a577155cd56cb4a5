"""Single sign-on for staff over OpenID Connect (a municipality's own identity provider).

Authorization-code flow with PKCE (S256), ``state`` and ``nonce``; the ID token is
verified with the provider's published keys (JWKS) and its ``iss``, ``aud``, ``exp``
and ``nonce`` checked (joserfc, Authlib's JOSE library; PKCE and tokens from Authlib).
Only staff accounts may use it; the account is found by its linked subject, else by the
verified e-mail address (and then linked). The identity provider is responsible for
the second factor, so an SSO session counts as two-factor (set ``require_mfa_claim`` to
also demand ``amr`` to contain a multi-factor method).

Configuration is deployment configuration (the client secret must not live in a
municipality package): ``NOABER_OIDC_PROVIDERS`` is JSON, per municipality slug::

    {"leeuwarden": {"issuer": "https://login.leeuwarden.nl", "client_id": "noaber",
                    "client_secret": "...", "require_mfa_claim": false}}
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from pydantic import BaseModel
from sqlmodel import Session, select

from noaber.accounts.models import Account
from noaber.accounts.roles import STAFF_ROLES, Role
from noaber.errors import Forbidden, InvalidInput, ServiceUnavailable, Unauthorized

MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sms", "fpt", "face"})


class OidcProvider(BaseModel):
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    require_mfa_claim: bool = False


@dataclass(frozen=True)
class Metadata:
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    issuer: str


def discover(provider: OidcProvider, client: httpx.Client | None = None) -> Metadata:
    url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with client or httpx.Client(timeout=5) as http:
            doc = http.get(url).raise_for_status().json()
    except httpx.HTTPError as exc:
        raise ServiceUnavailable("The identity provider cannot be reached.") from exc
    if doc.get("issuer") != provider.issuer:
        raise ServiceUnavailable("The identity provider's metadata names another issuer.")
    return Metadata(
        authorization_endpoint=doc["authorization_endpoint"],
        token_endpoint=doc["token_endpoint"],
        jwks_uri=doc["jwks_uri"],
        issuer=doc["issuer"],
    )


def start(provider: OidcProvider, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """The URL to send the browser to and the values to keep in the session."""
    metadata = discover(provider)
    state = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    verifier = generate_token(64)
    params = httpx.QueryParams(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": redirect_uri,
            "scope": provider.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": create_s256_code_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    pending = {"state": state, "nonce": nonce, "verifier": verifier, "redirect_uri": redirect_uri}
    return f"{metadata.authorization_endpoint}?{params}", pending


def finish(
    provider: OidcProvider, pending: dict[str, str], code: str, state: str
) -> dict[str, Any]:
    """Exchange the code and return the verified ID-token claims."""
    if not pending or not secrets.compare_digest(pending.get("state", ""), state):
        raise Unauthorized("The login with the identity provider could not be matched; try again.")
    metadata = discover(provider)
    try:
        with httpx.Client(timeout=5) as http:
            tokens = (
                http.post(
                    metadata.token_endpoint,
                    data={
                        "grant_type": "authorization_code",
                        "code": code,
                        "redirect_uri": pending["redirect_uri"],
                        "code_verifier": pending["verifier"],
                    },
                    auth=(provider.client_id, provider.client_secret),
                )
                .raise_for_status()
                .json()
            )
            jwks = http.get(metadata.jwks_uri).raise_for_status().json()
    except httpx.HTTPStatusError as exc:
        raise Unauthorized("The identity provider refused the login.") from exc
    except httpx.HTTPError as exc:
        raise ServiceUnavailable("The identity provider cannot be reached.") from exc
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise Unauthorized("The identity provider sent no ID token.")
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256", "ES256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": metadata.issuer},
            aud={"essential": True, "value": provider.client_id},
            nonce={"essential": True, "value": pending["nonce"]},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise Unauthorized("The identity provider's ID token is not valid.") from exc
    claims = dict(token.claims)
    if provider.require_mfa_claim and not MFA_METHODS & set(claims.get("amr", [])):
        raise Unauthorized("Log in at the identity provider with a second factor.")
    return claims


def account_for(session: Session, claims: dict[str, Any]) -> Account:
    """The staff account the claims belong to (linking it at the first SSO login)."""
    subject = str(claims["sub"])
    account = session.exec(select(Account).where(Account.oidc_subject == subject)).first()
    if account is None:
        email = claims.get("email")
        if not email or claims.get("email_verified") is not True:
            raise Forbidden("No account is linked to this identity (no verified e-mail).")
        account = session.exec(select(Account).where(Account.email == str(email).lower())).first()
        if account is None:
            raise Forbidden("No account of this municipality has this e-mail address.")
        if account.oidc_subject is not None:
            raise Forbidden("This account is linked to another identity.")
        account.oidc_subject = subject
    if account.disabled:
        raise Forbidden("This account is disabled.")
    if Role(account.role) not in STAFF_ROLES:
        raise Forbidden("Single sign-on is for staff accounts.")
    return account


def parse_providers(raw: Any) -> dict[str, OidcProvider]:
    if not raw:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput("NOABER_OIDC_PROVIDERS must be a JSON object keyed by municipality")
    return {slug: OidcProvider.model_validate(conf) for slug, conf in raw.items()}
