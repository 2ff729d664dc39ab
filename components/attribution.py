"""The attribution every page footer and every export carries (Open Government Licence v3.0)."""

from __future__ import annotations

OS_DATA_YEAR = 2025  # newest boundary product used (CAUTH May 2025); older layers are 2021-2023
ATTRIBUTION = (
    "Source: Office for National Statistics (and others as listed) licensed under the Open Government "
    f"Licence v3.0. Contains OS data © Crown copyright and database right {OS_DATA_YEAR}."
)
