"""Inputs as bytes: the only place that opens an input path, and the real format of what was opened."""
from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Union

from ..errors import InputError

MAX_FILE_BYTES = int(os.environ.get("BOTTLENECK_MAX_FILE_MB", "50")) * 2**20
REEXPORT = "Exportez-le de nouveau depuis son application d'origine."
FORMATS_HINT = "Déposez l'export au format .xlsx, .csv ou .parquet."

Readable = Union[str, os.PathLike, bytes, bytearray, memoryview, IO[bytes]]

# Why a path cannot be opened, as users can act on it (never the system's English).
_PATH_PROBLEMS = {
    errno.ENOENT: ("ce fichier est introuvable.", "Vérifiez le chemin indiqué."),
    errno.EISDIR: ("ce chemin est un dossier, pas un fichier.", "Indiquez le fichier de l'export."),
    errno.ENOTDIR: ("un élément de ce chemin n'est pas un dossier.", "Vérifiez le chemin indiqué."),
    errno.EACCES: ("ce fichier ne peut pas être lu (droits insuffisants).",
                   "Donnez le droit de lecture à l'utilisateur qui lance l'analyse."),
    errno.ELOOP: ("ce chemin tourne en rond (lien symbolique qui pointe sur lui-même).", "Vérifiez le lien."),
}


@dataclass(frozen=True)
class RawFile:
    """An input as bytes with the name users know it by."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def unreadable_path(path: str | os.PathLike, error: OSError) -> InputError:
    """An OSError on an input path as one French input problem."""
    what, hint = _PATH_PROBLEMS.get(error.errno, ("ce chemin ne peut pas être ouvert.", "Vérifiez le chemin indiqué."))
    if error.errno == errno.EPERM:
        what, hint = _PATH_PROBLEMS[errno.EACCES]
    return InputError(what, file=str(path), hint=hint)


def why_not_written(error: OSError) -> str:
    """Why an output could not be written, in French."""
    return {errno.EACCES: "droits insuffisants", errno.EPERM: "droits insuffisants", errno.ENOSPC: "disque plein",
            errno.EROFS: "disque en lecture seule", errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
            errno.EEXIST: "un fichier porte déjà ce nom", errno.EISDIR: "un dossier porte déjà ce nom",
            errno.ELOOP: "lien symbolique en boucle"}.get(error.errno, "erreur du système de fichiers")


def _too_large(name: str, size: int) -> InputError:
    return InputError(f"le fichier pèse {size / 2**20:.0f} Mo, au-delà de la limite de {MAX_FILE_BYTES // 2**20} Mo.",
                      file=name, hint="Réduisez l'export aux colonnes utiles ou déposez-le au format .parquet.")


def load_raw(source: Readable, default_name: str) -> RawFile:
    """The bytes of a path, bytes or file object (an upload), named after its file when it has one."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            with open(path, "rb") as stream:
                size = os.fstat(stream.fileno()).st_size
                if size > MAX_FILE_BYTES:
                    raise _too_large(path.name, size)
                raw = RawFile(path.name, stream.read())
        except OSError as error:
            raise unreadable_path(path, error) from None
    elif isinstance(source, (bytes, bytearray, memoryview)):
        raw = RawFile(default_name, bytes(source))
    elif hasattr(source, "read"):
        name = Path(str(getattr(source, "name", "") or default_name)).name
        if hasattr(source, "getvalue"):
            raw = RawFile(name, bytes(source.getvalue()))
        else:
            if hasattr(source, "seek"):
                source.seek(0)
            raw = RawFile(name, bytes(source.read()))
    else:
        raise TypeError(f"unsupported source type: {type(source).__name__}")
    if raw.size > MAX_FILE_BYTES:
        raise _too_large(raw.name, raw.size)
    return raw


def named_raw(source: Readable, name: str | None, default: str) -> RawFile:
    """The bytes of a source under the name users gave it, else its own."""
    raw = load_raw(source, name or default)
    return RawFile(name, raw.data) if name else raw


def detect_format(raw: RawFile) -> str:
    """The real format of a file from its first bytes, whatever its extension says: xlsx, xls, parquet or csv."""
    head = raw.data[:8]
    if not raw.data.strip():
        raise InputError("le fichier est vide.", file=raw.name, hint=REEXPORT)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"%PDF"):
        raise InputError("c'est un document PDF, pas un export de données.", file=raw.name, hint=FORMATS_HINT)
    if raw.name.lower().endswith((".xlsx", ".xlsm", ".xls", ".parquet")):
        extension = raw.name.rsplit(".", 1)[1]
        raise InputError(f"le fichier porte l'extension .{extension} mais son contenu n'est ni un classeur Excel "
                         "ni un Parquet (fichier renommé, tronqué ou d'un autre type).", file=raw.name, hint=REEXPORT)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"
    sample = raw.data[:65536]
    control = sum(sample.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
    if b"\x00" in sample or control > len(sample) * 0.01:
        raise InputError("le contenu n'est ni un classeur Excel, ni un CSV, ni un Parquet lisible.", file=raw.name,
                         hint="Vérifiez qu'il s'agit bien de l'export attendu, enregistré en .xlsx, .csv ou .parquet.")
    return "csv"
