"""The cost model of the matching: what one unit over a (resource, demand) pair costs.

Examples
--------
A pair without coordinates costs ``base + per_km × the tier's assumed km`` per unit:

>>> w = MatchWeights()
>>> [w.tier_cost(t) for t in TIERS]
[1.5, 3.5, 8.5, 20.5]

Serving an existing partner costs ``tie_factor`` of that (see
:func:`~regional_graph.matching.match_resources`); weights out of range are refused:

>>> MatchWeights(tie_factor=1.5)
Traceback (most recent call last):
...
regional_graph.errors.MatchingError: MatchWeights.tie_factor must be between 0 and 1
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import MatchingError

__all__ = ["TIERS", "TIERS_ZH", "MatchWeights"]

#: The four tiers of a pair, nearest first (requester's community vs. the provider's area).
TIERS = ("same community", "same street", "same district", "elsewhere")
TIERS_ZH = ("同社区", "同街道", "同区", "跨区")

@dataclass(frozen=True)
class MatchWeights:
    """The cost model of :func:`match_resources` (all costs in "km-equivalents" per unit).

    Attributes
    ----------
    per_km : float
        Cost of one kilometre of distance (great-circle, or the tier's assumed distance).
    base : float
        Fixed cost of any pair, so that an existing tie is preferred even at 0 km.
    same_community_km, same_street_km, same_district_km, elsewhere_km : float
        Assumed distance of a pair whose ends are not both geo-located, by tier (the
        requester's community vs. the provider's area). Tier costs are
        ``base + per_km * tier_km``: 1.5, 3.5, 8.5, 20.5 with the defaults.
    tie_factor : float
        Multiplier (0–1) of the cost when the provider and the requester's community have a
        live ``paired_with`` tie: 0.5 halves the cost of serving an existing partner.
    k_nearest : int
        Same-category resources each demand may use beyond its own district (nearest by
        great-circle distance) and the fallback for demands with no other candidate.
    cost_scale : float
        Costs are rounded to ``1 / cost_scale`` for the exact integer solver.
    completion_rounds : int
        Pricing rounds at most: after each solve on the candidate pairs, every admissible
        pair left out is priced with the flow's dual potentials; improving ones (at most
        ``k_nearest`` per demand) are added and solved again, until none is left — the
        lexicographic optimum over *all* admissible pairs (typically 3–5 rounds).
    completion_pairs : int
        Kept for compatibility (unused).

    Examples
    --------
    >>> w = MatchWeights(tie_factor=0.25)
    >>> w.tier_cost("same street")
    3.5
    """

    per_km: float = 1.0
    base: float = 0.5
    same_community_km: float = 1.0
    same_street_km: float = 3.0
    same_district_km: float = 8.0
    elsewhere_km: float = 20.0
    tie_factor: float = 0.5
    k_nearest: int = 16
    cost_scale: float = 100.0
    completion_rounds: int = 12
    completion_pairs: int = 200_000

    def __post_init__(self) -> None:
        for name in ("per_km", "base", "same_community_km", "same_street_km",
                     "same_district_km", "elsewhere_km"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise MatchingError(f"MatchWeights.{name} must be a finite number >= 0")
        if not 0 <= self.tie_factor <= 1:
            raise MatchingError("MatchWeights.tie_factor must be between 0 and 1")
        if self.k_nearest < 0:
            raise MatchingError("MatchWeights.k_nearest must be >= 0")
        if not (math.isfinite(self.cost_scale) and self.cost_scale > 0):
            raise MatchingError("MatchWeights.cost_scale must be > 0")

    @property
    def tier_km(self) -> np.ndarray:
        """Assumed km of the four tiers (same community, street, district, elsewhere).

        Examples
        --------
        >>> MatchWeights(same_street_km=2.0).tier_km.tolist()
        [1.0, 2.0, 8.0, 20.0]
        >>> dict(zip(TIERS, MatchWeights().tier_km.tolist(), strict=True))
        {'same community': 1.0, 'same street': 3.0, 'same district': 8.0, 'elsewhere': 20.0}
        """
        return np.array([self.same_community_km, self.same_street_km, self.same_district_km,
                         self.elsewhere_km])

    def tier_cost(self, tier: str) -> float:
        """Unit cost of a pair of the given tier without coordinates and without a tie.

        Examples
        --------
        >>> w = MatchWeights()
        >>> [w.tier_cost(t) for t in TIERS]
        [1.5, 3.5, 8.5, 20.5]
        """
        return self.base + self.per_km * float(self.tier_km[TIERS.index(tier)])
