"""Sending from synchronous code: one loop a thread keeps, not a thread and a loop per call."""

import asyncio
import gc
import threading

import pytest

from realtime import sending


async def _loop_running():
    return asyncio.get_running_loop()


def test_calls_from_one_thread_share_its_loop_and_get_their_results():
    first = sending.run(_loop_running)
    assert sending.run(_loop_running) is first
    assert not first.is_closed()


def test_an_error_of_the_coroutine_reaches_the_caller():
    async def refuse():
        raise ConnectionError("the layer is down")

    with pytest.raises(ConnectionError, match="the layer is down"):
        sending.run(refuse)


def test_each_thread_has_its_own_loop_closed_when_the_thread_ends():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(sending.run(_loop_running)))
    thread.start()
    thread.join()
    gc.collect()
    assert seen and seen[0] is not sending.run(_loop_running)
    assert seen[0].is_closed()


def test_beside_a_running_loop_the_call_goes_to_async_to_sync_which_refuses_it():
    async def inside():
        sending.run(_loop_running)

    with pytest.raises(RuntimeError, match="async event loop"):
        asyncio.run(inside())
