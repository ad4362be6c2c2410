from __future__ import annotations

from backend.api import merchant_blueprint, public_blueprint
from backend.api.http import current_merchant_id, idempotent, json_response, model_response, page_response
from backend.models import db
from backend.schemas import IdPath, OrderCreate, OrderOut, OrderPage, PageQuery, PublicOrderOut
from backend.services import merchants, orders
from backend.services.common import PageRequest
from backend.models import Merchant

bp = merchant_blueprint("orders", "Orders")
public = public_blueprint("orders_public", "Checkout (public)")
BLUEPRINTS = (bp, public)


@bp.post("/orders", responses={201: OrderOut}, summary="Create an order")
@idempotent
def create_order(body: OrderCreate):
    order = orders.create_order(db.session, current_merchant_id(), body.amount, body.currency, body.receipt, body.notes)
    return model_response(OrderOut, order, 201)


@bp.get("/orders", responses={200: OrderPage}, summary="List orders, newest first")
def list_orders(query: PageQuery):
    page = orders.list_orders(db.session, current_merchant_id(), PageRequest.of(query))
    return page_response(OrderOut, page)


@bp.get("/orders/<id>", responses={200: OrderOut}, summary="Fetch an order")
def get_order(path: IdPath):
    return model_response(OrderOut, orders.get_order(db.session, current_merchant_id(), path.id))


@public.get("/orders/<id>/public", responses={200: PublicOrderOut},
            summary="An order's public summary, for the checkout page")
def get_public_order(path: IdPath):
    order = orders.get_order(db.session, None, path.id)
    merchant = db.session.get(Merchant, order.merchant_id)
    return json_response({"id": order.id, "amount": order.amount, "currency": order.currency,
                          "status": order.status, "merchant_name": merchant.name,
                          "test_mode": merchants.is_test_key(merchant.api_key)})
