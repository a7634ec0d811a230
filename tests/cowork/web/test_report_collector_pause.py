"""A report holds off the cyclic garbage collector while it runs, and only then: the
collector is back once the last report under way is done, also when one fails."""

import gc
import threading

import pytest

from cowork.web.reports.pause import collector_paused


def test_the_collector_waits_while_a_report_runs_and_is_back_after():
    seen = []
    report = collector_paused(lambda: seen.append(gc.isenabled()) or "done")
    assert gc.isenabled()
    assert report() == "done"
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_is_back_after_a_failing_report():
    @collector_paused
    def failing():
        raise ValueError("no such centre")

    with pytest.raises(ValueError):
        failing()
    assert gc.isenabled()


def test_the_collector_is_back_only_when_the_last_of_two_reports_is_done():
    first_in, second_done, release = threading.Event(), threading.Event(), threading.Event()

    @collector_paused
    def long_report():
        first_in.set()
        release.wait(10)

    thread = threading.Thread(target=long_report)
    thread.start()
    assert first_in.wait(10)
    collector_paused(second_done.set)()
    assert second_done.is_set() and not gc.isenabled()
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    try:
        collector_paused(lambda: None)()
        assert not gc.isenabled()
    finally:
        gc.enable()
