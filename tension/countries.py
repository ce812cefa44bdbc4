"""Country codes and names: ISO 3166 through pycountry, plus the few codes and names
the event datasets use that ISO does not."""

from __future__ import annotations

import functools
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["COUNTRY_EXTRAS", "CAMEO_TO_ISO", "CAMEO_REGIONS", "NAME_ALIASES", "country_codes", "from_cameo", "from_name"]

#: Codes accepted besides ISO 3166-1 alpha-3: user-assigned codes in wide use for
#: states that ISO 3166 does not list.
COUNTRY_EXTRAS = {"XKX": "Kosovo"}

#: CAMEO actor country codes that differ from ISO 3166-1 alpha-3 (from GDELT's
#: ``CAMEO.country.txt``): codes ISO has since changed, and CAMEO's codes for
#: territories and cities that belong to one ISO country.
CAMEO_TO_ISO = {
    "ROM": "ROU",  # Romania (ISO changed ROM to ROU in 2002)
    "TMP": "TLS",  # East Timor (ISO changed TMP to TLS in 2002)
    "MTN": "MNE",  # Montenegro
    "IMY": "IMN",  # Isle of Man
    "WSB": "PSE",  # West Bank
    "GZS": "PSE",  # Gaza Strip
    "BAG": "IRQ",  # Baghdad
}

#: CAMEO regional actor codes: they name no single country, so readers report and
#: skip them.
CAMEO_REGIONS = {
    "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CRB": "Caribbean", "CAU": "Caucasus",
    "CFR": "Central Africa", "CAS": "Central Asia", "CEU": "Central Europe", "EIN": "East Indies",
    "EAF": "Eastern Africa", "EEU": "Eastern Europe", "EUR": "Europe", "LAM": "Latin America",
    "MEA": "Middle East", "MDT": "Mediterranean", "NAF": "North Africa", "NMR": "North America",
    "PGS": "Persian Gulf", "SCN": "Scandinavia", "SAM": "South America", "SAS": "South Asia",
    "SEA": "Southeast Asia", "SAF": "Southern Africa", "WAF": "West Africa", "WST": "The West",
}  # fmt: skip

#: Country names used by ICEWS, ACLED and POLECAT that pycountry does not resolve.
NAME_ALIASES = {
    "russia": "RUS", "occupied palestinian territory": "PSE", "palestine": "PSE",
    "palestinian territory": "PSE", "congo, democratic republic of": "COD",
    "congo, the democratic republic of the": "COD", "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD", "dr congo": "COD", "republic of congo": "COG",
    "congo, republic of": "COG", "republic of the congo": "COG", "macedonia": "MKD",
    "ivory coast": "CIV", "cote d'ivoire": "CIV", "burma": "MMR", "swaziland": "SWZ",
    "cape verde": "CPV", "turkey": "TUR", "kosovo": "XKX", "micronesia": "FSM",
    "vatican city": "VAT", "holy see": "VAT", "brunei": "BRN", "east timor": "TLS", "macau": "MAC",
    "korea, north": "PRK", "korea, south": "KOR", "curacao": "CUW", "uae": "ARE", "usa": "USA",
    "uk": "GBR", "great britain": "GBR", "england": "GBR", "syrian arab republic": "SYR",
}  # fmt: skip


@functools.cache
def country_codes() -> frozenset[str]:
    """Every accepted country code: ISO 3166-1 alpha-3, the former codes of ISO 3166-3
    (``SUN``, ``YUG``, ``DDR``, … for historical data) and :data:`COUNTRY_EXTRAS`.

    Examples
    --------
    >>> {"PAK", "IRN", "SUN", "XKX"} <= country_codes(), "ROM" in country_codes()
    (True, False)
    """
    import pycountry

    current = {c.alpha_3 for c in pycountry.countries}
    former = {c.alpha_3 for c in pycountry.historic_countries}
    return frozenset(current | former | set(COUNTRY_EXTRAS))


def from_cameo(codes) -> tuple[np.ndarray, np.ndarray]:
    """ISO code and skip reason for CAMEO actor country codes.

    Returns
    -------
    iso : ndarray of object
        The ISO code, or "" where there is none.
    reason : ndarray of object
        "" where mapped, else ``"no actor country"``, ``"regional actor code"`` or
        ``"unknown actor code"``.

    Examples
    --------
    >>> iso, why = from_cameo(["PAK", "ROM", "AFR", "", "ZZZ"])
    >>> iso.tolist(), why.tolist()
    (['PAK', 'ROU', '', '', ''], ['', '', 'regional actor code', 'no actor country', 'unknown actor code'])
    """
    series = pd.Series(codes, dtype=object).fillna("").astype(str).str.strip().str.upper()
    uniques = series.unique()
    known = country_codes()
    iso, reason = {}, {}
    for code in uniques:
        mapped = CAMEO_TO_ISO.get(code, code)
        if code == "":
            iso[code], reason[code] = "", "no actor country"
        elif code in CAMEO_REGIONS:
            iso[code], reason[code] = "", "regional actor code"
        elif mapped in known:
            iso[code], reason[code] = mapped, ""
        else:
            iso[code], reason[code] = "", "unknown actor code"
    return series.map(iso).to_numpy(dtype=object), series.map(reason).to_numpy(dtype=object)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.replace("’", "'").casefold().split())


@functools.lru_cache(maxsize=4096)
def _name_to_iso(name: str) -> str:
    import pycountry

    text = name.strip()
    if not text or text.upper() in ("NA", "N/A", "NONE", "NULL"):
        return ""
    if len(text) == 3 and text.upper() in country_codes():
        return text.upper()
    plain = _plain(text)
    if plain in NAME_ALIASES:
        return NAME_ALIASES[plain]
    for candidate in (text, plain):
        try:
            return pycountry.countries.lookup(candidate).alpha_3
        except LookupError:
            continue
    for country in pycountry.countries:
        names = {getattr(country, a, "") for a in ("name", "official_name", "common_name")}
        if plain in {_plain(n) for n in names if n}:
            return country.alpha_3
    return "?"


def from_name(names) -> np.ndarray:
    """ISO 3166-1 alpha-3 code of country names (or codes); "" where missing, "?" where
    the name is not known.

    Names are matched case- and accent-insensitively against pycountry's names, official
    names and common names, and :data:`NAME_ALIASES`.

    Examples
    --------
    >>> from_name(["Russian Federation", "Iran", "Côte d'Ivoire", "PAK", "NA", "Atlantis"]).tolist()
    ['RUS', 'IRN', 'CIV', 'PAK', '', '?']
    """
    series = pd.Series(names, dtype=object).fillna("").astype(str)
    mapping = {name: _name_to_iso(name) for name in series.unique()}
    return series.map(mapping).to_numpy(dtype=object)
