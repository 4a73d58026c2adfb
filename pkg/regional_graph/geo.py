"""Great-circle geometry shared by the analyses, the matcher and the maps.

Examples
--------
>>> import numpy as np
>>> round(float(haversine_km(np.array([37.5]), np.array([121.3]),
...                          np.array([37.5]), np.array([121.4]))[0]), 2)
8.82
"""

from __future__ import annotations

import numpy as np

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
                 lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km, element-wise (NaN where a coordinate is missing).

    Examples
    --------
    >>> import regional_graph as rg
    >>> orgs = rg.datasets.load_tiny().nodes[rg.schema.Label.ORGANIZATION]
    >>> lat, lon = orgs["lat"].to_numpy(float), orgs["lon"].to_numpy(float)
    >>> haversine_km(lat, lon, lat[0], lon[0]).round(2).tolist()  # O1…O8 to the school O1
    [0.0, 8.82, 0.14, 0.71, 0.78, 8.78, 8.75, 0.04]
    >>> float(haversine_km(lat[0], lon[0], np.nan, lon[0]))
    nan
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def unit_sphere(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere (n × 3), for KD-tree neighbour searches by chord length.

    Examples
    --------
    >>> import regional_graph as rg
    >>> orgs = rg.datasets.load_tiny().nodes[rg.schema.Label.ORGANIZATION]
    >>> xyz = unit_sphere(orgs["lat"].to_numpy(float), orgs["lon"].to_numpy(float))
    >>> xyz.shape, (xyz ** 2).sum(axis=1).round(12).tolist()
    ((8, 3), [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    >>> chord = np.linalg.norm(xyz - xyz[0], axis=1)  # chord → great-circle km, as haversine_km
    >>> (2 * np.arcsin(chord / 2) * EARTH_RADIUS_KM).round(2).tolist()
    [0.0, 8.82, 0.14, 0.71, 0.78, 8.78, 8.75, 0.04]
    """
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
