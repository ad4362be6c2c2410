from __future__ import annotations

from backend.api import deps, public_blueprint
from backend.api.http import bearer_token, json_response
from backend.api.limits import (limited, login_address_key, login_address_limit, login_failed, login_key, login_limit,
                                signup_key, signup_limit)
from backend.api.responses import error
from backend.domain.clock import iso
from backend.models import db
from backend.schemas import AuthOut, LoginIn, LogoutOut, MerchantOut, SignupIn, dump
from backend.services import merchants

bp = public_blueprint("auth", "Dashboard sign-up and login", limited=True)
BLUEPRINTS = (bp,)


def _auth_body(merchant) -> dict:
    """The contract's {merchant, api_key, api_secret}, and beyond it a session token for the dashboard."""
    config = deps.config()
    token, expires_at = merchants.open_session(db.session, config, merchant)
    return {"merchant": dump(MerchantOut, merchants.profile(config, merchant)), "api_key": merchant.api_key,
            "api_secret": merchant.api_secret(config.keyring), "session_token": token, "session_expires_at": iso(expires_at)}


@bp.post("/auth/signup", responses={201: AuthOut}, summary="Onboard a merchant")
@limited(signup_limit, key_func=signup_key)
def signup(body: SignupIn):
    merchant = merchants.signup(db.session, deps.runtime().credentials, body.name, body.email, body.password)
    return json_response(_auth_body(merchant), 201)


@bp.post("/auth/login", responses={200: AuthOut, 401: error(401, description="Wrong email or password")},
         summary="Log in to the dashboard")
@limited(login_address_limit, key_func=login_address_key, deduct_when=login_failed)
@limited(login_limit, key_func=login_key, deduct_when=login_failed)
def login(body: LoginIn):
    return json_response(_auth_body(merchants.login(db.session, deps.config(), body.email, body.password)))


@bp.post("/auth/logout", responses={200: LogoutOut, 401: error(401, description="Missing, expired or revoked session token")},
         security=[{"SessionToken": []}],
         summary="Revoke the dashboard session token sent as `Authorization: Bearer <token>`")
def logout():
    merchants.close_session(db.session, bearer_token())
    return json_response({"revoked": True})
