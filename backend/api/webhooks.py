from __future__ import annotations

from backend.api import deps, merchant_blueprint
from backend.api.http import current_merchant_id, idempotent, json_response, model_response, page_response
from backend.models import db
from backend.schemas import (IdPath, WebhookLogDetailOut, WebhookLogOut, WebhookPage, WebhookQuery,
                             WebhookRetryOut, dump)
from backend.services import webhooks
from backend.services.common import PageRequest

bp = merchant_blueprint("webhooks", "Webhooks")
BLUEPRINTS = (bp,)


@bp.get("/webhooks", responses={200: WebhookPage}, summary="Webhook delivery logs, newest first")
def list_webhooks(query: WebhookQuery):
    page = webhooks.list_logs(db.session, current_merchant_id(), PageRequest.of(query), query.payment_id)
    return page_response(WebhookLogOut, page, retention_days=deps.config().webhook_log_retention_days)


@bp.get("/webhooks/<id>", responses={200: WebhookLogDetailOut},
        summary="One delivery: its payload and the last response")
def get_webhook(path: IdPath):
    entry = webhooks.get_log(db.session, current_merchant_id(), path.id)
    body = dump(WebhookLogOut, entry)
    body.update(payload=webhooks.payload_of(db.session, entry), response_body=entry.response_body)
    return json_response(body)


@bp.post("/webhooks/<id>/retry", responses={200: WebhookRetryOut}, summary="Deliver again, now")
@idempotent
def retry_webhook(path: IdPath):
    entry = webhooks.retry(db.session, current_merchant_id(), path.id)
    return json_response({"id": entry.id, "status": entry.status, **WebhookRetryOut.constants})
