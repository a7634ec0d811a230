"""How a report's figures are summed over centres and put as percentages."""

import dataclasses


def percent_of(part: float, whole: float) -> float | None:
    """`part` as a percentage of `whole` to one decimal; None when there is no whole."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


class SummedFieldByField:
    """For a dataclass of counts: `a + b` adds each field, as centres add up to a total."""

    def __add__(self, other):
        return type(self)(
            *(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self))
        )
