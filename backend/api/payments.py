from __future__ import annotations

from backend.api import deps, merchant_blueprint, public_blueprint
from backend.api.http import current_merchant_id, idempotent, json_response, model_response, page_response
from backend.api.limits import authenticate_limit, limited, order_key, payment_key, public_payment_limit
from backend.api.responses import error
from backend.models import db
from backend.schemas import (AuthenticateIn, CaptureIn, CollectAnswerIn, IdPath, PaymentCreate, PaymentOut,
                             PaymentPage, PaymentQuery, PublicPaymentOut)
from backend.services import payments
from backend.services.common import PageRequest
from backend.services.payments import CardInput

bp = merchant_blueprint("payments", "Payments")
public = public_blueprint("payments_public", "Checkout (public)", limited=True)
BLUEPRINTS = (bp, public)
UNKNOWN_ORDER = error(404, description="The order is unknown or another merchant's (NOT_FOUND_ERROR)")


def _create(body: PaymentCreate, merchant_id: str | None):
    card = CardInput(**body.card.model_dump()) if body.card is not None else None
    return payments.create_payment(db.session, deps.processor(), deps.config(), merchant_id=merchant_id,
                                   order_id=body.order_id, method=body.method, vpa=body.vpa, card=card,
                                   return_url=body.return_url)


@bp.post("/payments", responses={201: PaymentOut, 404: UNKNOWN_ORDER},
         summary="Create a payment (processed asynchronously; honours Idempotency-Key)")
@idempotent(answer=lambda row: payments.as_read(db.session, row))
def create_payment(body: PaymentCreate):
    return model_response(PaymentOut, _create(body, current_merchant_id()), 201)


@bp.get("/payments", responses={200: PaymentPage}, summary="List payments, newest first, with filters")
def list_payments(query: PaymentQuery):
    page = payments.list_payments(db.session, current_merchant_id(), PageRequest.of(query),
                                  status=query.status, method=query.method, order_id=query.order_id,
                                  created_from=query.from_, created_to=query.to, error_reason=query.error_reason)
    return page_response(PaymentOut, page)


@bp.get("/payments/<id>", responses={200: PaymentOut}, summary="Fetch a payment")
def get_payment(path: IdPath):
    return model_response(PaymentOut, payments.get_payment(db.session, current_merchant_id(), path.id))


@bp.post("/payments/<id>/capture", responses={200: PaymentOut}, summary="Capture a successful payment")
@idempotent(answer=lambda row: payments.as_read(db.session, row))
def capture_payment(path: IdPath, body: CaptureIn):
    payment = payments.capture_payment(db.session, current_merchant_id(), path.id, body.amount)
    return model_response(PaymentOut, payment)


@public.post("/payments/public", responses={201: PublicPaymentOut, 404: UNKNOWN_ORDER},
             summary="Create a payment from the hosted checkout (no credentials)")
@limited(public_payment_limit, key_func=order_key)
def create_public_payment(body: PaymentCreate):
    return model_response(PublicPaymentOut, _create(body, None), 201)


@public.get("/payments/<id>/public", responses={200: PublicPaymentOut},
            summary="A payment's public status, for the checkout page")
def get_public_payment(path: IdPath):
    return model_response(PublicPaymentOut, payments.get_payment(db.session, None, path.id))


# ---------- the shopper's answers (beyond the contract) ----------


@public.post("/payments/<id>/authenticate", responses={200: PublicPaymentOut},
             summary="3-D Secure: the shopper's one-time password, only while authentication is pending")
@limited(authenticate_limit, key_func=payment_key)
def authenticate_payment(path: IdPath, body: AuthenticateIn):
    payment = payments.authenticate(db.session, deps.processor(), path.id, body.otp)
    return model_response(PublicPaymentOut, payment)


@public.post("/payments/<id>/authenticate/cancel", responses={200: PublicPaymentOut},
             summary="3-D Secure: the shopper cancels; the payment fails (authentication_cancelled)")
@limited(authenticate_limit, key_func=payment_key)
def cancel_authentication(path: IdPath):
    return model_response(PublicPaymentOut, payments.cancel_authentication(db.session, path.id))


@public.post("/payments/<id>/collect", responses={200: PublicPaymentOut},
             summary="UPI collect: the shopper approves or declines in the (simulated) UPI app")
@limited(authenticate_limit, key_func=payment_key)
def answer_collect(path: IdPath, body: CollectAnswerIn):
    payment = payments.answer_collect(db.session, deps.processor(), path.id, body.approve)
    return model_response(PublicPaymentOut, payment)
