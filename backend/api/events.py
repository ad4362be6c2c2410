"""Events and webhook endpoints (docs/api.md §10, docs/api.md §11)."""
from __future__ import annotations

from backend.api import deps, merchant_blueprint
from backend.api.http import current_merchant, current_merchant_id, idempotent, json_response, page_response
from backend.models import db
from backend.schemas import (EndpointCreate, EndpointList, EndpointOut, EndpointSecretOut, EndpointUpdate,
                             EventDetailOut, EventOut, EventPage, EventQuery, IdPath, ResendIn, ResendOut,
                             WebhookLogOut, dump)
from backend.services import endpoints, events
from backend.services.common import PageRequest

bp = merchant_blueprint("events", "Events")
endpoints_bp = merchant_blueprint("webhook_endpoints", "Webhook endpoints")
BLUEPRINTS = (bp, endpoints_bp)


@bp.get("/events", responses={200: EventPage}, summary="Events, newest first")
def list_events(query: EventQuery):
    page = events.list_events(db.session, current_merchant_id(), PageRequest.of(query), events.parse_types(query.type),
                              query.object_id, query.from_, query.to)
    return page_response(EventOut, page, retention_days=deps.config().webhook_log_retention_days)


@bp.get("/events/<id>", responses={200: EventDetailOut}, summary="One event with its deliveries")
def get_event(path: IdPath):
    event = events.get_event(db.session, current_merchant_id(), path.id)
    body = dump(EventOut, event)
    body["deliveries"] = [dump(WebhookLogOut, d) for d in events.deliveries_of(db.session, event)]
    return json_response(body)


@bp.post("/events/<id>/resend", responses={200: ResendOut},
         summary="Deliver the event again (same body and webhook-id), to every endpoint or to one")
@idempotent
def resend_event(path: IdPath, body: ResendIn):
    event, made = events.resend(db.session, current_merchant(), path.id, body.endpoint_id)
    return json_response({"id": event.id, "deliveries": [dump(WebhookLogOut, d) for d in made]})


@endpoints_bp.get("/webhook_endpoints", responses={200: EndpointList},
                  summary="The webhook endpoints, the primary (webhook_url) first")
def list_endpoints():
    found = endpoints.list_all(db.session, current_merchant())
    return json_response({"data": [dump(EndpointOut, e) for e in found], "total": len(found)})


@endpoints_bp.post("/webhook_endpoints", responses={201: EndpointSecretOut},
                   summary="Add an endpoint; its secret is in this answer")
@idempotent(answer=lambda row: endpoints.with_secret(deps.config(), row))
def create_endpoint(body: EndpointCreate):
    made = endpoints.create(db.session, deps.config(), current_merchant(), body.url, body.description,
                            body.enabled_events)
    return json_response(dump(EndpointSecretOut, made), 201)


@endpoints_bp.get("/webhook_endpoints/<id>", responses={200: EndpointOut}, summary="One endpoint")
def get_endpoint(path: IdPath):
    return json_response(dump(EndpointOut, endpoints.get(db.session, current_merchant(), path.id)))


@endpoints_bp.patch("/webhook_endpoints/<id>", responses={200: EndpointOut},
                    summary="Change the fields given (url, description, enabled_events, status)")
def update_endpoint(path: IdPath, body: EndpointUpdate):
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    updated = endpoints.update(db.session, deps.config(), current_merchant(), path.id, changes)
    return json_response(dump(EndpointOut, updated))


@endpoints_bp.delete("/webhook_endpoints/<id>", responses={200: EndpointOut},
                     summary="Delete an endpoint (the primary: clear the webhook_url)")
def delete_endpoint(path: IdPath):
    return json_response(dump(EndpointOut, endpoints.delete(db.session, deps.config(), current_merchant(), path.id)))


@endpoints_bp.post("/webhook_endpoints/<id>/secret/roll", responses={200: EndpointSecretOut},
                   summary="Replace the endpoint's signing secret; the new one is in this answer")
@idempotent(answer=lambda row: endpoints.with_secret(deps.config(), row))
def roll_endpoint_secret(path: IdPath):
    return json_response(dump(EndpointSecretOut, endpoints.roll_secret(db.session, deps.config(), current_merchant(), path.id)))
