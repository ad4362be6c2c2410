"""The delivery pool's share rule, with real threads and items that block until released."""
import threading
import time

from tasks.delivery import FairPool


def _pool(size, per_key, per_line=None):
    started, release = [], threading.Event()
    lock = threading.Lock()

    def run(item):
        with lock:
            started.append(item)
        release.wait(10)

    return FairPool(size, per_key, run, name="test-pool", per_line=per_line), started, release


def _wait(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_one_key_holds_at_most_its_share_and_another_key_starts_at_once():
    pool, started, release = _pool(size=4, per_key=2)
    try:
        for n in range(10):
            assert pool.submit("slow", f"slow-{n}")
        assert _wait(lambda: len(started) == 2)
        time.sleep(0.1)
        assert sorted(started) == ["slow-0", "slow-1"] and pool.running("slow") == 2  # no more than its share
        assert pool.submit("other", "other-0") and pool.submit("third", "third-0")
        assert _wait(lambda: {"other-0", "third-0"} <= set(started))  # free threads, while "slow" waits
    finally:
        release.set()
    assert _wait(lambda: len(started) == 12)  # the waiting line goes on once threads free up


def test_full_lines_refuse_instead_of_blocking():
    pool, started, release = _pool(size=1, per_key=1)
    try:
        accepted = [pool.submit("k", str(n)) for n in range(pool.max_waiting + 3)]
        assert all(accepted[:pool.max_waiting]) and accepted[-1] is False  # left to the sweeper
    finally:
        release.set()


def test_one_endpoint_holds_at_most_its_line_share_and_the_merchants_other_endpoint_goes_on():
    pool, started, release = _pool(size=8, per_key=4, per_line=3)
    try:
        for n in range(10):
            assert pool.submit("merchant", f"dead-{n}", "we_dead")
        assert _wait(lambda: len(started) == 3)
        assert pool.submit("merchant", "live-0", "we_live") and pool.submit("merchant", "live-1", "we_live")
        assert _wait(lambda: "live-0" in started)
        time.sleep(0.1)
        # the merchant's share (4) is full: live-1 waits for a thread of its own merchant, not another's
        assert pool.running("merchant") == 4 and "live-1" not in started
        assert pool.submit("other", "other-0") and _wait(lambda: "other-0" in started)
    finally:
        release.set()
