"""Country codes and names: ISO 3166 through pycountry, plus the few codes and names
the event datasets use that ISO does not."""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = [
    "COUNTRY_EXTRAS",
    "CAMEO_TO_ISO",
    "CAMEO_REGIONS",
    "NAME_ALIASES",
    "country_codes",
    "from_cameo",
    "from_name",
]

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
    "AFR": "Africa",
    "ASA": "Asia",
    "BLK": "Balkans",
    "CRB": "Caribbean",
    "CAU": "Caucasus",
    "CFR": "Central Africa",
    "CAS": "Central Asia",
    "CEU": "Central Europe",
    "EIN": "East Indies",
    "EAF": "Eastern Africa",
    "EEU": "Eastern Europe",
    "EUR": "Europe",
    "LAM": "Latin America",
    "MEA": "Middle East",
    "MDT": "Mediterranean",
    "NAF": "North Africa",
    "NMR": "North America",
    "PGS": "Persian Gulf",
    "SCN": "Scandinavia",
    "SAM": "South America",
    "SAS": "South Asia",
    "SEA": "Southeast Asia",
    "SAF": "Southern Africa",
    "WAF": "West Africa",
    "WST": "The West",
}

#: Country names as ICEWS, ACLED, UCDP and POLECAT write them that pycountry's names,
#: official names and common names do not give, keyed by their folded form (see
#: :func:`from_name`: case, accents, punctuation, a leading "the" and "X, Y" inversions
#: are handled before this table is consulted). Sub-national names that ICEWS uses as
#: countries (Bavaria, the Aeolian Islands) map to their state; Akrotiri and Dhekelia
#: (British sovereign base areas on Cyprus, an ACLED "country") to GBR.
NAME_ALIASES = {
    # former or short names of current states
    "russia": "RUS",
    "burma": "MMR",
    "swaziland": "SWZ",
    "turkey": "TUR",
    "cape verde": "CPV",
    "ivory coast": "CIV",
    "cote divoire": "CIV",
    "czech republic": "CZE",
    "east timor": "TLS",
    "macedonia": "MKD",
    "republic of macedonia": "MKD",
    "former yugoslav republic of macedonia": "MKD",
    "fyrom": "MKD",
    "fyr macedonia": "MKD",
    "macedonia fyr": "MKD",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "drc": "COD",
    "congo kinshasa": "COD",
    "zaire": "COD",
    "socialist republic of vietnam": "VNM",
    "lao pdr": "LAO",
    "libyan arab jamahiriya": "LBY",
    "congo democratic republic": "COD",
    "republic of congo": "COG",
    "republic of the congo": "COG",
    "congo brazzaville": "COG",
    "congo republic": "COG",
    "brunei": "BRN",
    "macau": "MAC",
    "micronesia": "FSM",
    "vatican": "VAT",
    "vatican city": "VAT",
    "holy see": "VAT",
    "kyrgyz republic": "KGZ",
    "slovak republic": "SVK",
    "north korea": "PRK",
    "south korea": "KOR",
    "dprk": "PRK",
    "korea north": "PRK",
    "korea south": "KOR",
    "republic of korea": "KOR",
    "laos": "LAO",
    "syria": "SYR",
    "iran": "IRN",
    "vietnam": "VNM",
    "taiwan": "TWN",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "palestine": "PSE",
    "occupied palestinian territory": "PSE",
    "state of palestine": "PSE",
    "palestinian territory": "PSE",
    "palestinian territories": "PSE",
    "west bank": "PSE",
    "gaza strip": "PSE",
    "gaza": "PSE",
    "kosovo": "XKX",
    "usa": "USA",
    "us": "USA",
    "u s": "USA",
    "u s a": "USA",
    "united states of america": "USA",
    "uk": "GBR",
    "u k": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "uae": "ARE",
    "emirates": "ARE",
    # territories as the datasets spell them
    "curacao": "CUW",
    "reunion": "REU",
    "saint barthelemy": "BLM",
    "saint martin": "MAF",
    "sint maarten": "SXM",
    "caribbean netherlands": "BES",
    "bonaire": "BES",
    "falkland islands": "FLK",
    "saint helena": "SHN",
    "us virgin islands": "VIR",
    "u s virgin islands": "VIR",
    "virgin islands us": "VIR",
    "british virgin islands": "VGB",
    "cook island": "COK",
    "akrotiri and dhekelia": "GBR",
    "bavaria": "DEU",
    "aeolian islands": "ITA",
    # states that no longer exist (ISO 3166-3 codes)
    "soviet union": "SUN",
    "ussr": "SUN",
    "yugoslavia": "YUG",
    "czechoslovakia": "CSK",
    "serbia and montenegro": "SCG",
    "netherlands antilles": "ANT",
    "east germany": "DDR",
    "german democratic republic": "DDR",
    "west germany": "DEU",
}


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
    """Folded form of a name: no accents or punctuation, lower case, single spaces,
    "saint" for "St."/"Ste.", "and" for "&"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    folded = folded.replace("&", " and ").replace("'", "").replace("\u2019", "")
    folded = re.sub(r"[^a-z0-9()]+", " ", folded)
    words = folded.split()
    if words and words[0] in ("st", "ste"):
        words[0] = "saint"
    return " ".join(words)


@functools.cache
def _name_index() -> dict[str, str]:
    """Folded name -> alpha-3 for every current country's name, official and common
    name (ISO 3166-1), with and without a parenthetical qualifier."""
    import pycountry

    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                for form in _forms(name):
                    index.setdefault(form, country.alpha_3)
    for alias, code in NAME_ALIASES.items():
        index[alias] = code
    return index


def _forms(name: str) -> list[str]:
    """The folded name, without a leading "the", without a trailing "(…)", and with
    "X, Y" turned into "Y X" (pycountry's and ICEWS's inverted names)."""
    plain = _plain(name)
    forms = [plain]
    if plain.startswith("the "):
        forms.append(plain[4:])
    if "," in name:
        head, _, tail = name.partition(",")
        forms.extend(_forms(f"{tail.strip()} {head.strip()}"))
    for form in list(forms):
        bare = re.sub(r"\s*\([^)]*\)\s*$", "", form).strip()
        if bare and bare != form:
            forms.append(bare)
        if bare.startswith("the "):
            forms.append(bare[4:])
    return list(dict.fromkeys(f.replace("(", "").replace(")", "").strip() for f in forms))


#: Qualifiers in brackets after a country's name that leave the country as it is
#: ("Saint Martin (French part)", "Macedonia (FYROM)"), folded. Any other bracketed part
#: may name another country ("Congo (Zaire)", "Sudan (South Sudan)"): it is never dropped.
_QUALIFIERS = frozenset({"french part", "dutch part", "vatican city state", "malvinas", "fyrom", "country"})


def _bracketed(name: str) -> tuple[str, str] | None:
    """``(name, part)`` of a name ending in a part in brackets ("Samoa (American)"), else None."""
    found = re.match(r"^(?P<bare>.*?)\s*\((?P<inner>[^()]*)\)\s*$", name.strip())
    if not found or not found["bare"] or not found["inner"].strip():
        return None
    return found["bare"], found["inner"].strip()


def _lookup_forms(name: str) -> list[str]:
    """The folded forms a name is looked up by, in turn: as written (see :func:`_forms`,
    without dropping a bracketed part); a trailing bracketed part read before the name
    ("Samoa (American)" as "American Samoa", "Congo (Democratic Republic of the)"); the name
    without it only when it is one of :data:`_QUALIFIERS`."""
    whole = _forms(name.replace("(", " ").replace(")", " "))
    parts = _bracketed(name)
    if parts is None:
        return whole
    bare, inner = parts
    forms = whole + _forms(f"{inner} {bare}")
    if _plain(inner) in _QUALIFIERS:
        forms += _forms(bare)
    return list(dict.fromkeys(forms))


@functools.lru_cache(maxsize=8192)
def _name_to_iso(name: str) -> str:
    text = name.strip()
    if not text or text.upper() in ("NA", "N/A", "NONE", "NULL", "NAN"):
        return ""
    if len(text) == 3 and text.upper() in country_codes():
        return text.upper()
    index = _name_index()
    for form in _lookup_forms(text):
        if form in index:
            return index[form]
    parts = _bracketed(text)
    if parts is not None:  # the part in brackets another name of the same country ("Myanmar (Burma)")
        bare, inner = map(_name_to_iso, parts)
        if bare == inner and bare not in ("", "?"):
            return bare
    return "?"


def from_name(names) -> np.ndarray:
    """ISO 3166-1 alpha-3 code of country names (or codes); "" where missing, "?" where
    the name is not known.

    Names are matched against pycountry's names, official names and common names of
    the current ISO 3166-1 countries and :data:`NAME_ALIASES`, ignoring case, accents,
    punctuation and a leading "the"; "X, Y" is also tried as "Y X" ("Korea, South"), and a
    trailing part in brackets as read before the name ("Samoa (American)",
    "Iran (Islamic Republic of)"). A bracketed part is dropped only when it qualifies
    the same country ("Saint Martin (French part)") or is another name of it ("Myanmar
    (Burma)"), never otherwise: "Congo (Zaire)" is not the Republic of the Congo. A name that still does not match is "?" and the
    readers list it, with its count, in their report (``report.unmapped``).

    Examples
    --------
    >>> from_name(["Russian Federation", "Iran", "Côte d'Ivoire", "PAK", "NA", "Atlantis"]).tolist()
    ['RUS', 'IRN', 'CIV', 'PAK', '', '?']
    >>> from_name(["the Philippines", "the former Yugoslav Republic of Macedonia", "Türkiye", "Turkey",
    ...            "Democratic Republic of Congo", "Ivory Coast", "eSwatini", "Burma", "Korea, South"]).tolist()
    ['PHL', 'MKD', 'TUR', 'TUR', 'COD', 'CIV', 'SWZ', 'MMR', 'KOR']
    >>> from_name(["Samoa (American)", "Congo (Democratic Republic of the)", "Congo (Zaire)"]).tolist()
    ['ASM', 'COD', '?']
    """
    series = pd.Series(names, dtype=object).fillna("").astype(str)
    mapping = {name: _name_to_iso(name) for name in series.unique()}
    return series.map(mapping).to_numpy(dtype=object)
