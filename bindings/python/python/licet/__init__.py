"""licet for Python: verify, evaluate and inspect licet licenses.

The answers come from licet's own verifier (the code panels run), through
a compiled module; the objects are those of ``licet verify --json`` and
``licet inspect --json`` (docs/CLI.md), so a script sees exactly what the
CLI and the panels see.

    import licet
    root = licet.root_key(open("vendor.pub").read())
    ev = licet.evaluate([open("plus.lic", "rb").read(), open("basic.lic", "rb").read()],
                        trust=[root], group="acme/dist-7/dealer-3/complex-1")
    ev.tier, ev.quota("sip_numbers"), ev.has_feature("video"), ev.warning
"""

from __future__ import annotations

import json as _json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from . import _licet

__all__ = [
    "JSON_VERSION",
    "LicetError",
    "Evaluation",
    "root_key",
    "dearmor",
    "evaluate",
    "verify",
    "inspect",
]

JSON_VERSION: int = _licet.JSON_VERSION

Data = Union[bytes, bytearray, memoryview, str]


class LicetError(Exception):
    """A license or a call that licet refused.

    ``code`` is a verifier code (``expired``, ``wrong_group``, ``decode``, …;
    docs/CLI.md lists them) or ``usage``; ``message`` says what happened and
    ``hint`` what to do. ``link`` is the link at fault, when there is one.
    """

    def __init__(self, code: str, message: str, hint: str, link: Optional[int] = None,
                 offset: Optional[int] = None) -> None:
        super().__init__(f"{message} (hint: {hint})")
        self.code = code
        self.message = message
        self.hint = hint
        self.link = link
        self.offset = offset


def _bytes(data: Data) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


def _raise(doc: Mapping[str, Any]) -> None:
    err = doc["error"]
    raise LicetError(err["code"], err["message"], err["hint"], err.get("link"), err.get("offset"))


def _load(text: str) -> Dict[str, Any]:
    doc = _json.loads(text)
    if set(doc) == {"version", "error"}:
        _raise(doc)
    return doc


def root_key(key: Data) -> bytes:
    """A trusted root key as its 32 bytes, from the text of a ``.pub`` file
    (SPKI PEM), 64 hex digits (the firmware constant) or the raw 32 bytes."""
    value, err = _licet.root_key(_bytes(key))
    if err is not None:
        _raise(_json.loads(err))
    return bytes(value)


def dearmor(license: Data) -> bytes:
    """The binary form of a license given as text (as pasted from an email:
    quoting, indentation and surrounding text are fine) or binary."""
    value, err = _licet.dearmor(_bytes(license))
    if err is not None:
        _raise(_json.loads(err))
    return bytes(value)


def _roots(trust: Iterable[Data]) -> List[bytes]:
    # Every form, raw 32 bytes included, through the one parser (weak keys refused).
    return [root_key(k) for k in trust]


class Evaluation:
    """What a panel of ``group`` may do with the licenses it holds: the
    document ``licet verify --json`` prints, with accessors."""

    def __init__(self, doc: Dict[str, Any]) -> None:
        self.json: Dict[str, Any] = doc
        """The whole ``licet verify --json`` document."""

    @property
    def valid(self) -> bool:
        """True when a license (or the built-in Basic) is in effect."""
        return bool(self.json["valid"])

    @property
    def _effective(self) -> Dict[str, Any]:
        return self.json.get("effective") or {}

    @property
    def tier(self) -> Optional[str]:
        """``plus``, ``trial``, ``basic``, or None when nothing is in effect."""
        return self._effective.get("tier")

    @property
    def base(self) -> Union[int, str, None]:
        """The index of the base license in effect, ``"builtin"``, or None."""
        return self._effective.get("base")

    def quota(self, name: str) -> Union[int, str, None]:
        """A quota in effect: a count, ``"unlimited"``, or None when not granted."""
        q = self._effective.get("quotas", {}).get(name)
        return None if q is None else q["value"]

    @property
    def quotas(self) -> Dict[str, Union[int, str]]:
        """Every quota in effect."""
        return {n: q["value"] for n, q in self._effective.get("quotas", {}).items()}

    @property
    def features(self) -> Set[str]:
        """The features everyone in the group may use."""
        return set(self._effective.get("features", {}))

    def has_feature(self, name: str) -> bool:
        return name in self._effective.get("features", {})

    def role_grants(self, role: str) -> Set[str]:
        """What a role (concierge, technical manager, …) may use beyond the features."""
        return set(self._effective.get("roles", {}).get(role, {}))

    @property
    def warning(self) -> bool:
        """True when the base license ends within its reminder window."""
        return bool(self._effective.get("warning", False))

    @property
    def next_change(self) -> Optional[Tuple[int, int]]:
        """(UNIX time, license index) of the next change, or None."""
        n = self._effective.get("next_change")
        return None if n is None else (n["at"], n["license"])

    @property
    def floor(self) -> Optional[int]:
        """The time floor the device should persist."""
        return self.json.get("floor")

    @property
    def clock_rollback(self) -> bool:
        return bool(self.json.get("clock_rollback", False))

    @property
    def licenses(self) -> List[Dict[str, Any]]:
        """Each file's status: ``valid``, and its ``error`` or ``license``."""
        return list(self.json["licenses"])

    def __repr__(self) -> str:
        return f"Evaluation(valid={self.valid}, tier={self.tier!r}, quotas={self.quotas!r})"


def evaluate(licenses: Sequence[Data], trust: Iterable[Data], group: str, *,
             at: Optional[int] = None, floor: int = 0, device_id: Optional[str] = None,
             builtin_basic: Optional[str] = None,
             names: Optional[Sequence[str]] = None) -> Evaluation:
    """Evaluates the licenses a panel of ``group`` holds, as the panel does:
    the base license, the add-ons, each license counted once, the fallback
    to Basic, the time floor. ``builtin_basic`` is the firmware's Basic
    entitlement as TOML (``quotas = { sip_numbers = 2 }``…). A rejected
    license does not raise: its entry in ``licenses`` says why."""
    files = [(names[i] if names else f"license {i}", _bytes(d)) for i, d in enumerate(licenses)]
    return Evaluation(_load(_licet.verify_json(files, _roots(trust), group, at, floor, device_id,
                                               builtin_basic)))


def verify(license: Data, trust: Iterable[Data], group: str, *, at: Optional[int] = None,
           device_id: Optional[str] = None) -> Evaluation:
    """Verifies one license for a panel of ``group``; raises ``LicetError``
    (``expired``, ``wrong_group``, ``bad_signature``, …) when it is refused."""
    ev = evaluate([license], trust, group, at=at, device_id=device_id)
    entry = ev.licenses[0] if ev.licenses else None
    if entry is None or not entry["valid"]:
        err = (entry or {}).get("error") or ev.json.get("error")
        if err is None:
            raise LicetError("rejected", "the license is not in effect", "run licet inspect on it")
        raise LicetError(err["code"], err["message"], err["hint"], err.get("link"), err.get("offset"))
    return ev


def inspect(license: Data, trust: Iterable[Data] = (), group: Optional[str] = None, *,
            at: Optional[int] = None, device_id: Optional[str] = None) -> Dict[str, Any]:
    """What ``licet inspect --json`` reports for one license: ``verdict`` (the
    line to read to a customer), each link with what it states and every
    problem found, ``valid``."""
    return _load(_licet.inspect_json(_bytes(license), _roots(trust), group, at, device_id))
