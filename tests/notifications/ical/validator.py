"""A strict validator we did not write: libical, through ctypes.

libical is the reference iCalendar library (Evolution, KDE, Cyrus). Its parser marks every
value it cannot read with an X-LIC-ERROR property, and `icalrestriction_check` applies RFC
5546's tables — which properties each component must, may and must not carry under each
METHOD (and RFC 5545's rules when there is none) — marking every breach the same way. No
validator on PyPI or npm checks the iTIP tables; this one does, so a calendar that declares
METHOD:PUBLISH without an ORGANIZER, or an invite without an ATTENDEE, is an error here.

The shared library comes from Debian's `libical3` (installed by .ci/run). Without it the
checks are skipped, except under CI=true, where they fail.
"""

import ctypes
import ctypes.util
import functools
import os

import pytest


@functools.cache
def _libical() -> ctypes.CDLL | None:
    path = ctypes.util.find_library("ical")
    if path is None:
        return None
    lib = ctypes.CDLL(path)
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalrestriction_check.restype = ctypes.c_int
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_free.restype = None
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    return lib


MISSING = "libical is not installed (Debian: apt-get install libical3)"


def require_libical() -> ctypes.CDLL:
    """libical, or the test skips (fails under CI=true)."""
    lib = _libical()
    if lib is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    return lib


def libical_available() -> bool:
    """Whether a check by libical can run here; under CI=true its absence is a failure."""
    if _libical() is None and os.environ.get("CI") == "true":
        pytest.fail(MISSING)
    return _libical() is not None


def libical_errors(body: bytes) -> list[str]:
    """Every error libical finds in `body`, parsing and under RFC 5546's restrictions.

    `icalrestriction_check` stops at the first component that fails, so each component is
    checked in a calendar of its own (with the calendar's properties and time zones): an
    error in the tenth event is not hidden by one in the first.
    """
    header, zones, components = _split(body)
    calendars = [_calendar(header, zones)] + [
        _calendar(header, zones + component) for component in components
    ]
    errors = []
    for calendar in calendars:
        for error in _checked(calendar):
            if error not in errors:
                errors.append(error)
    return errors


def _split(body: bytes) -> tuple[list[str], list[str], list[list[str]]]:
    """(calendar property lines, VTIMEZONE lines, other components' lines, one list each)."""
    header, zones, components = [], [], []
    depth, current = 0, []
    for line in body.decode().splitlines(keepends=True):
        if line.startswith("BEGIN:"):
            depth += 1
        if depth >= 2:
            current.append(line)
        elif depth == 1 and not line.startswith(("BEGIN:VCALENDAR", "END:VCALENDAR")):
            header.append(line)
        if line.startswith("END:"):
            depth -= 1
            if depth == 1:
                if current[0].startswith("BEGIN:VTIMEZONE"):
                    zones.extend(current)
                else:
                    components.append(current)
                current = []
    return header, zones, components


def _calendar(header: list[str], lines: list[str]) -> bytes:
    return "".join(["BEGIN:VCALENDAR\r\n", *header, *lines, "END:VCALENDAR\r\n"]).encode()


def _checked(body: bytes) -> list[str]:
    lib = require_libical()
    component = lib.icalparser_parse_string(body)
    if not component:
        return ["libical could not parse the calendar at all"]
    try:
        lib.icalrestriction_check(component)
        text = lib.icalcomponent_as_ical_string(component).decode()
    finally:
        lib.icalcomponent_free(component)
    # Unfold (RFC 5545 3.1) so that each error is one line.
    lines = text.replace("\r\n ", "").replace("\n ", "").splitlines()
    return [line for line in lines if line.startswith("X-LIC-ERROR")]
