from __future__ import annotations

from backend.api import deps, merchant_blueprint
from backend.api.http import current_merchant, current_merchant_id, idempotent, json_response, model_response
from backend.models import db
from backend.schemas import CredentialsOut, MerchantOut, StatsOut, WebhookSecretOut, WebhookTestOut, WebhookUrlIn
from backend.services import merchants, stats, webhooks

bp = merchant_blueprint("merchant", "Merchant")
BLUEPRINTS = (bp,)


@bp.get("/merchant", responses={200: MerchantOut}, summary="The authenticated merchant's profile")
def get_merchant():
    return model_response(MerchantOut, merchants.profile(deps.config(), current_merchant()))


@bp.get("/merchant/credentials", responses={200: CredentialsOut},
        summary="The API key and secret (decrypted), for the dashboard to show")
def get_credentials():
    return json_response(merchants.credentials_of(deps.config(), current_merchant()))


@bp.post("/merchant/credentials/roll", responses={200: CredentialsOut},
         summary="Replace the API secret; the old one is refused at once")
@idempotent(answer=lambda row: merchants.credentials_of(deps.config(), row))
def roll_api_secret():
    rolled = merchants.roll_api_secret(db.session, deps.runtime().credentials, current_merchant())
    return json_response(merchants.credentials_of(deps.config(), rolled))


@bp.put("/merchant/webhook", responses={200: MerchantOut}, summary="Set or clear the webhook URL")
def set_webhook(body: WebhookUrlIn):
    merchant = merchants.set_webhook_url(db.session, deps.config(), current_merchant(), body.webhook_url)
    return model_response(MerchantOut, merchants.profile(deps.config(), merchant))


@bp.post("/merchant/webhook/secret", responses={200: WebhookSecretOut},
         summary="Replace the webhook signing secret")
@idempotent(answer=lambda row: merchants.webhook_secret_of(deps.config(), row))
def regenerate_secret():
    return json_response({"webhook_secret": merchants.regenerate_webhook_secret(db.session, deps.config(), current_merchant())})


@bp.post("/merchant/webhook/test", responses={200: WebhookTestOut}, summary="Queue a webhook.test event")
@idempotent
def send_test_webhook():
    entry = webhooks.send_test_event(db.session, current_merchant())
    return json_response({"id": entry.id, "event": entry.event, "status": entry.status, "event_id": entry.event_id})


@bp.get("/stats", responses={200: StatsOut}, summary="Payment totals and the last 14 days")
def get_stats():
    return json_response(stats.merchant_stats(db.session, current_merchant_id()))
