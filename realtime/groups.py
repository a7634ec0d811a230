"""Channel-layer group names: one function each, only [A-Za-z0-9._-], under 100 characters."""


def space_group(space_id: int) -> str:
    return f"occupancy.space.{int(space_id)}"


def network_group() -> str:
    return "occupancy.network"


def attendance_group(event_id: int) -> str:
    return f"attendance.event.{int(event_id)}"
