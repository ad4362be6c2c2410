"""Which never-connected NiceGUI clients the UIs drop (ui_common/clients.py), with fake clients."""
from types import SimpleNamespace

from ui_common.clients import MAX_WAITING, WAIT_SECONDS, to_drop

NOW = 10_000.0


def clients(*ages: float) -> list:
    return sorted((SimpleNamespace(created=NOW - age) for age in ages), key=lambda c: c.created)


def test_a_few_waiting_clients_get_the_whole_wait():
    assert to_drop(clients(0, 1, WAIT_SECONDS - 1), NOW) == []
    waiting = clients(WAIT_SECONDS, 1)
    assert to_drop(waiting, NOW) == waiting[:1]  # past the wait


def test_beyond_the_cap_the_oldest_go_at_once():
    waiting = clients(*[0.5 + i * 0.01 for i in range(MAX_WAITING + 5)])
    assert to_drop(waiting, NOW) == waiting[:5]


def test_beyond_the_cap_and_past_the_wait_are_not_counted_twice():
    waiting = clients(*[WAIT_SECONDS + 1] * 3, *[1.0] * MAX_WAITING)
    dropped = to_drop(waiting, NOW)
    assert len(dropped) == 3 and len({id(c) for c in dropped}) == 3
