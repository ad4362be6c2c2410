from __future__ import annotations

from backend.api import deps, merchant_blueprint
from backend.api.http import current_merchant_id, idempotent, model_response, page_response
from backend.models import db
from backend.schemas import IdPath, PageQuery, RefundCreate, RefundOut, RefundPage
from backend.services import payments, refunds
from backend.services.common import PageRequest

bp = merchant_blueprint("refunds", "Refunds")
BLUEPRINTS = (bp,)



@bp.post("/payments/<id>/refunds", responses={201: RefundOut},
         summary="Refund a successful payment, fully or in part")
@idempotent
def create_refund(path: IdPath, body: RefundCreate):
    refund = refunds.create_refund(db.session, deps.processor(), current_merchant_id(), path.id, body.amount,
                                   body.reason)
    return model_response(RefundOut, refund, 201)


@bp.get("/payments/<id>/refunds", responses={200: RefundPage}, summary="A payment's refunds")
def list_payment_refunds(path: IdPath, query: PageQuery):
    payments.get_payment(db.session, current_merchant_id(), path.id)
    return page_response(RefundOut, refunds.list_refunds(db.session, current_merchant_id(), PageRequest.of(query),
                                                        payment_id=path.id))


@bp.get("/refunds", responses={200: RefundPage}, summary="List refunds, newest first")
def list_refunds(query: PageQuery):
    return page_response(RefundOut, refunds.list_refunds(db.session, current_merchant_id(), PageRequest.of(query)))


@bp.get("/refunds/<id>", responses={200: RefundOut}, summary="Fetch a refund")
def get_refund(path: IdPath):
    return model_response(RefundOut, refunds.get_refund(db.session, current_merchant_id(), path.id))
