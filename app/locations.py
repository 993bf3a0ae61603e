"""Kenyan locations for the survey "location" question: county -> sub-county -> ward.

Pure data: no Flask, no SQL. The CSV shipped in `app/data/kenya_locations.csv` is read once
into a `LocationTree`, which answers the two things a USSD screen needs: the names under a
choice so far (for a paginated list) and the names that start with what the subscriber typed.
"""

import csv
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar, TextIO

import pycountry

COLUMNS = ("county_code", "county", "sub_county", "ward")

# county -> sub-county -> wards; a county with no sample has an empty dict.
Tree = dict[str, dict[str, list[str]]]


def fold(name: str) -> str:
    """Reduce a name to the letters and digits a subscriber would key in, for matching.

    Args:
        name: a location name or a typed prefix, e.g. "Murang'a", "Tharaka-Nithi", "Múrang".

    Returns:
        Lower-case, accent-free, with everything but letters and digits dropped (spaces,
        hyphens, apostrophes, "/" and "."): "Murang'a" -> "muranga", "Elgeyo/Marakwet" ->
        "elgeyomarakwet".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def reading_order(name: str) -> tuple[tuple[str, ...], str]:
    """Sort key for names as a directory lists them: word by word, ignoring case, accents
    and punctuation, so "Mau Narok" comes before "Mauche" and "Murang'a" after "Muranga"."""
    return tuple(fold(word) for word in name.split()), name


def _sorted(names: Iterable[str]) -> list[str]:
    return sorted(names, key=reading_order)


class LocationTree:
    """Counties, their sub-counties and their wards, looked up by name.

    A path is the tuple of names chosen so far, one per level of `levels`: `()` at the start,
    `("Kiambu",)` once a county is chosen, `("Kiambu", "Ruiru")` once a sub-county is.
    """

    levels: ClassVar[tuple[str, ...]] = ("county", "sub_county", "ward")

    def __init__(self, codes: dict[str, str], tree: Tree) -> None:
        """Wrap already-validated data; use `load_locations` to build one from a CSV.

        Args:
            codes: county name -> ISO 3166-2 code, e.g. {"Kiambu": "KE-13"}.
            tree: county name -> sub-county name -> ward names; every county in `codes`.
        """
        self._codes = dict(codes)
        self._tree = {
            county: {sub: _sorted(wards) for sub, wards in subs.items()}
            for county, subs in tree.items()
        }

    def children(self, path: tuple[str, ...]) -> list[str]:
        """List the names one level below `path`, sorted as a subscriber reads them.

        Args:
            path: `()`, `(county,)` or `(county, sub_county)`, names exactly as listed.

        Returns:
            County names for `()`; the county's sub-counties for `(county,)` (empty for a
            county without sub-county data, which the caller then takes as the answer);
            the sub-county's wards for `(county, sub_county)`. Sorted ignoring case and
            punctuation.

        Raises:
            ValueError: `path` has more than two names (a ward has nothing below it).
            KeyError: a name in `path` is not known at its level.
        """
        if len(path) >= len(self.levels):
            raise ValueError(f"a ward has no children; path has {len(path)} names: {path!r}")
        if not path:
            return _sorted(self._tree)
        county, *rest = path
        if county not in self._tree:
            raise KeyError(f"unknown county {county!r}")
        subs = self._tree[county]
        if not rest:
            return _sorted(subs)
        if rest[0] not in subs:
            raise KeyError(f"unknown sub-county {rest[0]!r} in {county}")
        return list(subs[rest[0]])

    def matching(self, path: tuple[str, ...], prefix: str) -> list[str]:
        """List the children of `path` whose name starts with what the subscriber typed.

        Case, accents, spaces, hyphens, apostrophes and other punctuation are ignored on
        both sides (see `fold`): "murang" matches "Murang'a", "tharaka" "Tharaka-Nithi".

        Args:
            path: as for `children`.
            prefix: the typed text; "" or only punctuation matches every child.

        Returns:
            The matching names, in the order of `children(path)`.

        Raises:
            ValueError, KeyError: as for `children`.
        """
        wanted = fold(prefix)
        return [name for name in self.children(path) if fold(name).startswith(wanted)]

    def code(self, county_name: str) -> str:
        """Return the ISO 3166-2 code of a county, e.g. "Kiambu" -> "KE-13".

        Raises:
            KeyError: `county_name` is not a county name exactly as listed.
        """
        try:
            return self._codes[county_name]
        except KeyError:
            raise KeyError(f"unknown county {county_name!r}") from None


def iso_counties() -> dict[str, str]:
    """Return ISO 3166-2:KE counties from pycountry: code -> name, e.g. "KE-13" -> "Kiambu"."""
    return {sub.code: sub.name for sub in pycountry.subdivisions.get(country_code="KE")}


def default_path() -> Path:
    """Return the path of the shipped `app/data/kenya_locations.csv`."""
    return Path(__file__).parent / "data" / "kenya_locations.csv"


def load_locations(path: Path | None = None) -> LocationTree:
    """Read and check a locations CSV.

    Args:
        path: UTF-8 CSV with header `county_code,county,sub_county,ward`, one ward a row;
            a county without sub-county data has one row with `sub_county` and `ward` empty.
            Defaults to the shipped `app/data/kenya_locations.csv`.

    Returns:
        A `LocationTree` of every county named in the file.

    Raises:
        ValueError: the header is wrong, or a row has an unknown county code, a county name
            that is not pycountry's name for its code, a ward without a sub-county (or the
            reverse), more than four cells, or a ward already listed under the same
            sub-county (compared as `fold` does). The message starts `file:line:`.

    Source: counties and codes from ISO 3166-2:KE via pycountry; see `app/data/README.md`.
    """
    path = path or default_path()
    with path.open(encoding="utf-8", newline="") as stream:
        return _read(stream, path.name)


def _read(stream: TextIO, filename: str) -> LocationTree:
    reader = csv.DictReader(stream)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(
            f"{filename}:1: header must be {','.join(COLUMNS)}, got {reader.fieldnames}"
        )
    iso = iso_counties()
    codes: dict[str, str] = {}
    tree: Tree = {}
    seen: dict[tuple[str, str, str], int] = {}  # (county, sub-county, folded ward) -> line
    for row in reader:
        where = f"{filename}:{reader.line_num}"
        if None in row:  # DictReader files cells past the header under the key None
            raise ValueError(f"{where}: more than {len(COLUMNS)} columns")
        code, county, sub, ward = (_cell(row, column) for column in COLUMNS)
        _check_row(where, iso, code, county, sub, ward)
        codes[county] = code
        subs = tree.setdefault(county, {})
        if not sub:
            continue
        key = (county, sub, fold(ward))
        if key in seen:
            raise ValueError(
                f"{where}: ward {ward!r} is already listed under {sub}, {county} "
                f"on line {seen[key]}"
            )
        seen[key] = reader.line_num
        subs.setdefault(sub, []).append(ward)
    return LocationTree(codes, tree)


def _cell(row: dict[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


def _check_row(
    where: str, iso: dict[str, str], code: str, county: str, sub: str, ward: str
) -> None:
    if code not in iso:
        raise ValueError(f"{where}: county code {code!r} is not in ISO 3166-2:KE (KE-01..KE-47)")
    if county != iso[code]:
        raise ValueError(f"{where}: county {county!r} does not match {code} {iso[code]!r}")
    if bool(sub) != bool(ward):
        raise ValueError(f"{where}: sub_county and ward must both be given or both be empty")
