"""Country names as the datasets write them, each mapped to ISO 3166-1 alpha-3."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pycountry
import pytest
from conftest import ICEWS18, REAL_DATA, need

from tension.countries import NAME_ALIASES, country_codes, from_name

#: ICEWS's country vocabulary: every distinct value of the "Country" column of the ICEWS
#: Dataverse events (andybega/icews, data-raw/country-to-gwcode-mapping.R, a
#: ``sort(unique(events$country))`` of the full data). Source and Target Country use
#: the same names.
ICEWS_COUNTRIES = [
    "Aeolian Islands", "Afghanistan", "Albania", "Algeria", "American Samoa", "Andorra", "Angola", "Anguilla",
    "Antarctica", "Antigua and Barbuda", "Argentina", "Armenia", "Aruba", "Australia", "Austria", "Azerbaijan",
    "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Bavaria", "Belarus", "Belgium", "Belize", "Benin", "Bermuda",
    "Bhutan", "Bolivia", "Bonaire", "Bosnia and Herzegovina", "Botswana", "Brazil", "British Indian Ocean Territory",
    "British Virgin Islands", "Brunei", "Bulgaria", "Burkina Faso", "Burundi", "Cambodia", "Cameroon", "Canada",
    "Cape Verde", "Cayman Islands", "Central African Republic", "Chad", "Chile", "China", "Christmas Island",
    "Cocos (Keeling) Islands", "Colombia", "Comoros", "Congo", "Cook Island", "Costa Rica", "Cote d'Ivoire",
    "Croatia", "Cuba", "Curaçao", "Cyprus", "Czech Republic", "Democratic Republic of Congo", "Denmark", "Djibouti",
    "Dominica", "Dominican Republic", "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea", "Eritrea", "Estonia",
    "Ethiopia", "Falkland Islands", "Faroe Islands", "Fiji", "Finland", "France", "French Guiana", "French Polynesia",
    "French Southern Territories", "Gabon", "Gambia", "Georgia", "Germany", "Ghana", "Gibraltar", "Greece",
    "Greenland", "Grenada", "Guadeloupe", "Guam", "Guatemala", "Guernsey", "Guinea", "Guinea-Bissau", "Guyana",
    "Haiti", "Heard Island and McDonald Islands", "Holy See", "Honduras", "Hong Kong", "Hungary", "Iceland", "India",
    "Indonesia", "Iran", "Iraq", "Ireland", "Isle Of Man", "Israel", "Italy", "Jamaica", "Japan", "Jersey", "Jordan",
    "Kazakhstan", "Kenya", "Kiribati", "Kosovo", "Kuwait", "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho",
    "Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg", "Macao", "Madagascar", "Malawi", "Malaysia",
    "Maldives", "Mali", "Malta", "Marshall Islands", "Martinique", "Mauritania", "Mauritius", "Mayotte", "Mexico",
    "Micronesia", "Moldova, Republic of", "Monaco", "Mongolia", "Montenegro", "Montserrat", "Morocco", "Mozambique",
    "Myanmar", "Namibia", "Nauru", "Nepal", "Netherlands", "Netherlands Antilles", "New Caledonia", "New Zealand",
    "Nicaragua", "Niger", "Nigeria", "Niue", "Norfolk Island", "North Korea", "Northern Mariana Islands", "Norway",
    "Occupied Palestinian Territory", "Oman", "Pakistan", "Palau", "Panama", "Papua New Guinea", "Paraguay", "Peru",
    "Philippines", "Pitcairn", "Poland", "Portugal", "Puerto Rico", "Qatar", "Reunion", "Romania",
    "Russian Federation", "Rwanda", "Saint Barthelemy", "Saint Helena", "Saint Kitts and Nevis", "Saint Lucia",
    "Saint Martin (French part)", "Saint Pierre and Miquelon", "Saint Vincent and the Grenadines", "Samoa",
    "San Marino", "Sao Tome and Principe", "Saudi Arabia", "Senegal", "Serbia", "Seychelles", "Sierra Leone",
    "Singapore", "Sint Maarten", "Slovakia", "Slovenia", "Solomon Islands", "Somalia", "South Africa",
    "South Georgia and the South Sandwich Islands", "South Korea", "South Sudan", "Spain", "Sri Lanka", "Sudan",
    "Suriname", "Svalbard and Jan Mayen", "Swaziland", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan",
    "Tanzania", "Thailand", "the former Yugoslav Republic of Macedonia", "Timor-Leste", "Togo", "Tokelau", "Tonga",
    "Trinidad and Tobago", "Tunisia", "Turkey", "Turkmenistan", "Turks and Caicos Islands", "Tuvalu",
    "U.S. Virgin Islands", "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom", "United States",
    "United States Minor Outlying Islands", "Uruguay", "Uzbekistan", "Vanuatu", "Venezuela", "Vietnam",
    "Wallis and Futuna", "Western Sahara", "Yemen", "Zambia", "Zimbabwe",
]  # fmt: skip

#: ACLED's country names (the ``country`` column and the names inside actor labels such
#: as "Military Forces of X (2017-)" and "Civilians (X)"), from ACLED's country list
#: and exports, including the spellings ACLED used before a country's renaming.
ACLED_COUNTRIES = [
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Anguilla", "Antigua and Barbuda", "Argentina",
    "Armenia", "Aruba", "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados",
    "Belarus", "Belgium", "Belize", "Benin", "Bermuda", "Bhutan", "Bolivia", "Bonaire, Sint Eustatius and Saba",
    "Bosnia and Herzegovina", "Botswana", "Brazil", "British Virgin Islands", "Brunei", "Bulgaria", "Burkina Faso",
    "Burundi", "Cambodia", "Cameroon", "Canada", "Cape Verde", "Caribbean Netherlands", "Cayman Islands",
    "Central African Republic", "Chad", "Chile", "China", "Colombia", "Comoros", "Cook Islands", "Costa Rica",
    "Croatia", "Cuba", "Curacao", "Cyprus", "Czech Republic", "Democratic Republic of Congo", "Denmark", "Djibouti",
    "Dominica", "Dominican Republic", "East Timor", "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea", "Eritrea",
    "Estonia", "eSwatini", "Ethiopia", "Falkland Islands", "Faroe Islands", "Fiji", "Finland", "France",
    "French Guiana", "French Polynesia", "Gabon", "Gambia", "Georgia", "Germany", "Ghana", "Gibraltar", "Greece",
    "Greenland", "Grenada", "Guadeloupe", "Guam", "Guatemala", "Guernsey", "Guinea", "Guinea-Bissau", "Guyana",
    "Haiti", "Honduras", "Hong Kong", "Hungary", "Iceland", "India", "Indonesia", "Iran", "Iraq", "Ireland",
    "Isle of Man", "Israel", "Italy", "Ivory Coast", "Jamaica", "Japan", "Jersey", "Jordan", "Kazakhstan", "Kenya",
    "Kiribati", "Kosovo", "Kuwait", "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya",
    "Liechtenstein", "Lithuania", "Luxembourg", "Macau", "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali",
    "Malta", "Marshall Islands", "Martinique", "Mauritania", "Mauritius", "Mayotte", "Mexico", "Micronesia",
    "Moldova", "Monaco", "Mongolia", "Montenegro", "Montserrat", "Morocco", "Mozambique", "Myanmar", "Namibia",
    "Nauru", "Nepal", "Netherlands", "New Caledonia", "New Zealand", "Nicaragua", "Niger", "Nigeria", "Niue",
    "North Korea", "North Macedonia", "Northern Mariana Islands", "Norway", "Oman", "Pakistan", "Palau", "Palestine",
    "Panama", "Papua New Guinea", "Paraguay", "Peru", "Philippines", "Pitcairn", "Poland", "Portugal",
    "Puerto Rico", "Qatar", "Republic of Congo", "Reunion", "Romania", "Russia", "Rwanda", "Saint Helena, Ascension and Tristan da Cunha",
    "Saint Kitts and Nevis", "Saint Lucia", "Saint Pierre and Miquelon", "Saint Vincent and the Grenadines",
    "Saint-Barthelemy", "Saint-Martin", "Samoa", "San Marino", "Sao Tome and Principe", "Saudi Arabia", "Senegal",
    "Serbia", "Seychelles", "Sierra Leone", "Singapore", "Sint Maarten", "Slovakia", "Slovenia", "Solomon Islands",
    "Somalia", "South Africa", "South Georgia and the South Sandwich Islands", "South Korea", "South Sudan", "Spain",
    "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania",
    "Thailand", "Togo", "Tokelau", "Tonga", "Trinidad and Tobago", "Tunisia", "Turkey", "Turkmenistan",
    "Turks and Caicos Islands", "Tuvalu", "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom",
    "United States", "Uruguay", "Uzbekistan", "Vanuatu", "Vatican City", "Venezuela", "Vietnam",
    "Virgin Islands, U.S.", "Wallis and Futuna", "Western Sahara", "Yemen", "Zambia", "Zimbabwe",
    # older ACLED spellings and names found inside actor labels
    "Swaziland", "Macedonia", "the Democratic Republic of Congo", "the Philippines", "the United States",
    "the United Kingdom", "the Netherlands", "the Gambia", "the Central African Republic", "Akrotiri and Dhekelia",
]  # fmt: skip

#: The spellings the issue names, each with the code a reader of the news would give.
HARD_CASES = {
    "the Philippines": "PHL", "the former Yugoslav Republic of Macedonia": "MKD", "Macedonia": "MKD",
    "North Macedonia": "MKD", "Democratic Republic of Congo": "COD", "the Democratic Republic of Congo": "COD",
    "Congo, Democratic Republic of": "COD", "DR Congo": "COD", "Republic of Congo": "COG", "Congo": "COG",
    "Ivory Coast": "CIV", "Côte d’Ivoire": "CIV", "Cote d'Ivoire": "CIV", "Czechia": "CZE", "Czech Republic": "CZE",
    "Turkey": "TUR", "Türkiye": "TUR", "Turkiye": "TUR", "Swaziland": "SWZ", "Eswatini": "SWZ", "eSwatini": "SWZ",
    "Burma": "MMR", "Myanmar": "MMR", "the United States": "USA", "U.S.": "USA", "United States of America": "USA",
    "Korea, South": "KOR", "Korea, North": "PRK", "South Korea": "KOR", "Gambia, The": "GMB", "The Gambia": "GMB",
    "Moldova, Republic of": "MDA", "Iran, Islamic Republic of": "IRN", "St. Lucia": "LCA", "Trinidad & Tobago": "TTO",
    "Russia": "RUS", "Russian Federation": "RUS", "Occupied Palestinian Territory": "PSE", "Palestine": "PSE",
    "East Timor": "TLS", "Timor-Leste": "TLS", "Cape Verde": "CPV", "Cabo Verde": "CPV", "Vatican City": "VAT",
    "Holy See": "VAT", "Macau": "MAC", "Macao": "MAC", "Laos": "LAO", "Syria": "SYR", "Vietnam": "VNM",
    "Viet Nam": "VNM", "Brunei": "BRN", "Kosovo": "XKX", "Saint-Martin": "MAF", "Sint Maarten": "SXM",
    "Curaçao": "CUW", "United Kingdom": "GBR", "Great Britain": "GBR", "  the  philippines ": "PHL",
    "UNITED STATES": "USA", "Soviet Union": "SUN", "Yugoslavia": "YUG", "Serbia and Montenegro": "SCG",
}  # fmt: skip


@pytest.mark.parametrize("name", ICEWS_COUNTRIES)
def test_every_icews_country_name_maps(name):
    code = from_name([name])[0]
    assert code in country_codes(), f"{name!r} -> {code!r}"


@pytest.mark.parametrize("name", ACLED_COUNTRIES)
def test_every_acled_country_name_maps(name):
    code = from_name([name])[0]
    assert code in country_codes(), f"{name!r} -> {code!r}"


@pytest.mark.parametrize(("name", "code"), sorted(HARD_CASES.items()))
def test_the_hard_spellings_map_to_the_right_country(name, code):
    assert from_name([name]).tolist() == [code]


def test_every_pycountry_name_maps_to_its_own_code():
    """The reference is pycountry itself: each country's name, official and common name."""
    wrong = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name and from_name([name])[0] != country.alpha_3:
                wrong[name] = (from_name([name])[0], country.alpha_3)
    assert wrong == {}


def test_aliases_point_at_known_codes():
    assert set(NAME_ALIASES.values()) <= country_codes()


@pytest.mark.parametrize("name", ["Atlantis", "Artsakh", "Novorossiya", "International", "Africa", "x"])
def test_names_that_are_no_country_stay_unknown(name):
    assert from_name([name]).tolist() == ["?"]


@pytest.mark.parametrize("missing", ["", "NA", "  ", None, float("nan")])
def test_missing_names_are_empty(missing):
    assert from_name([missing]).tolist() == [""]


def _real_names():
    """Every distinct country name in the real ICEWS and ACLED files (plain csv)."""
    names = Counter()
    for path in [REAL_DATA / "icews_2018_sample_andybega.tab", ICEWS18 / "icews18_international.tab"]:
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(rows)
            columns = [header.index(c) for c in ("Source Country", "Target Country", "Country") if c in header]
            for row in rows:
                for i in columns:
                    if i < len(row) and row[i] not in ("", "NA"):
                        names[row[i]] += 1
    state = re.compile(r"^(?:Military Forces of|Police Forces of|Government of|Civilians \()\s*(.+?)\s*(?:\(|\)|$)")
    for path in sorted(REAL_DATA.glob("acled_*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = csv.reader(handle)
            header = [h.lower() for h in next(rows)]
            country, actors = header.index("country"), [header.index("actor1"), header.index("actor2")]
            for row in rows:
                if len(row) == len(header) and row[country]:
                    names[row[country]] += 1
                    for i in actors:
                        found = state.match(row[i])
                        if found and found.group(1):
                            names[found.group(1)] += 1
    return names


#: Names in the real files that are not states: ACLED's labels for unrecognised
#: authorities and multinational civilians. They must stay unknown (and be reported).
NOT_STATES = {"Artsakh", "Puntland", "International", "Somaliland", "Libya (2014-) Haftar Faction"}


def test_every_country_name_in_the_real_files_maps():
    need(REAL_DATA)
    names = _real_names()
    assert len(names) > 150
    unmapped = {n: c for n, c in names.items() if from_name([n])[0] not in country_codes() and n not in NOT_STATES}
    assert unmapped == {}


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_NAMES = sorted((c.name, c.alpha_3) for c in pycountry.countries)


@given(
    st.sampled_from(_NAMES),
    st.sampled_from(["", "the ", "The ", "THE "]),
    st.sampled_from([str.lower, str.upper, str.title, lambda t: t]),
    st.sampled_from(["", " ", "  \t"]),
)
def test_case_spacing_and_a_leading_the_do_not_change_the_country(pair, the, case, pad):
    """Law: the mapping ignores case, surrounding and repeated spaces, and a leading "the"."""
    name, code = pair
    written = pad + case(the + name).replace(" ", " " + pad.strip(" ") + " ") + pad
    assert from_name([written]).tolist() == [code]
