from __future__ import annotations

from backend.api import deps, public_blueprint
from backend.api.http import json_response
from backend.api.responses import error
from backend.api.limits import limiter, login_key, login_limit, signup_limit
from backend.models import db
from backend.schemas import AuthOut, LoginIn, MerchantOut, SignupIn, dump
from backend.services import merchants

bp = public_blueprint("auth", "Dashboard sign-up and login")
BLUEPRINTS = (bp,)


def _auth_body(merchant) -> dict:
    return {"merchant": dump(MerchantOut, merchant), "api_key": merchant.api_key, "api_secret": merchant.api_secret}


@bp.post("/auth/signup", responses={201: AuthOut}, summary="Onboard a merchant")
@limiter.limit(signup_limit)
def signup(body: SignupIn):
    return json_response(_auth_body(merchants.signup(db.session, body.name, body.email, body.password)), 201)


@bp.post("/auth/login", responses={200: AuthOut, 401: error(401, description="Wrong email or password")},
         summary="Log in to the dashboard")
@limiter.limit(login_limit, key_func=login_key)
def login(body: LoginIn):
    return json_response(_auth_body(merchants.login(db.session, deps.config(), body.email, body.password)))
