"""Both UIs' API client: one httpx client per process, no cookies kept between callers, ids as one segment."""
from __future__ import annotations

import httpx

from ui_common import http


async def test_one_client_serves_every_call_until_closed():
    first = http._http()
    assert http._http() is first
    await http.close()
    assert first.is_closed and http._http() is not first
    await http.close()


async def test_the_shared_client_keeps_no_cookie():
    client = http._http()
    answer = httpx.Response(200, headers={"set-cookie": "session=someone-elses; Path=/"},
                            request=httpx.Request("GET", "http://127.0.0.1:8000/api/v1/merchant"))
    client.cookies.extract_cookies(answer)
    assert not client.cookies
    await http.close()


def test_an_id_is_one_path_segment():
    assert http.segment("pay_abc") == "pay_abc"
    assert http.segment("../../merchant/credentials?x=1#y") == "%2E%2E%2F%2E%2E%2Fmerchant%2Fcredentials%3Fx%3D1%23y"
    assert httpx.URL("http://api/api/v1/payments/" + http.segment("..")).raw_path == b"/api/v1/payments/%2E%2E"
