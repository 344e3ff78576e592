"""Command line: `python -m bottleneck_core run ...` prints every step and check and writes the deliverables;
`history` and `compare` read the history of months. Every message is French; no traceback reaches users."""
from __future__ import annotations

import argparse
import os
import re
import sys

from ..errors import InputError
from .commands import COMMANDS, EXIT_BAD_INPUT, EXIT_UNEXPECTED

# argparse's own English, as French users read it.
ARGPARSE_FRENCH = [
    (r"^argument (\S+): ", r"option \1 : "), (r"the following arguments are required: ", "options obligatoires "
                                                                                      "manquantes : "),
    (r"unrecognized arguments: ", "arguments non reconnus : "), (r"expected one argument", "une valeur est attendue"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"choix invalide : \1 (choix possibles : \2)"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë : \1 peut désigner \2"),
    (r"invalid \w+ value: (.*)", r"valeur invalide : \1"), (r"not allowed with argument", "incompatible avec"),
    (r"ignored explicit argument (.*)", r"valeur inattendue \1"),
]


class FrenchHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """argparse speaking French: usage, help and errors; an error is one line and exit code 2."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, add_help=False, formatter_class=FrenchHelp, **kwargs)
        self._positionals.title, self._optionals.title = "arguments", "options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="afficher cette aide et quitter")

    def error(self, message: str) -> None:
        for pattern, french in ARGPARSE_FRENCH:
            message = re.sub(pattern, french, message)
        self.exit(EXIT_BAD_INPUT, f"Erreur : arguments invalides ({message}). Voir « {self.prog} --help ».\n")


def threshold_argument(text: str) -> float:
    from ..config import parse_threshold

    try:
        return parse_threshold(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(str(error).rstrip(".")) from None


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(prog="python -m bottleneck_core",
                          description="Analyse mensuelle BottleNeck : nettoyage, fusion, CA, vins premium.")
    commands = parser.add_subparsers(title="commandes", dest="command", required=True, metavar="COMMANDE",
                                     parser_class=FrenchParser)
    run = commands.add_parser("run", help="analyser les trois exports du mois et écrire les livrables")
    for kind, what in (("erp", "export ERP"), ("liaison", "table de liaison"), ("web", "export WEB WooCommerce")):
        run.add_argument(f"--{kind}", metavar="FICHIER", help=f"{what} (.xlsx, .csv ou .parquet)")
    run.add_argument("--sample", action="store_true", help="utiliser les données d'exemple intégrées")
    run.add_argument("--from-dir", metavar="DOSSIER", help="dossier de dépôt : les trois exports les plus récents, "
                                                           "d'un même dépôt, reconnus à leurs colonnes")
    run.add_argument("--config", metavar="FICHIER", help="configuration YAML (défaut : config/test_config.yaml)")
    run.add_argument("--mapping", metavar="FICHIER", help="correspondance de colonnes YAML (colonnes renommées)")
    run.add_argument("--threshold", type=threshold_argument, metavar="SEUIL",
                     help="seuil de z-score des vins premium, 2 ou 2,5 (défaut : celui de la configuration)")
    run.add_argument("--period", metavar="AAAA-MM", help="mois analysé (défaut : le mois courant)")
    run.add_argument("--out", default="out", metavar="DOSSIER", help="dossier des livrables (défaut : out/)")
    run.add_argument("--notify-webhook", metavar="URL", help="après l'analyse, envoyer le résumé à ce webhook")
    run.add_argument("--notify-email", metavar="ADRESSE", help="après l'analyse, envoyer le résumé et le rapport")
    run.add_argument("--history", metavar="HISTORIQUE", help="historique des mois : fichier DuckDB ou URL "
                                                             "postgresql:// (défaut : BOTTLENECK_HISTORY si définie)")
    history = commands.add_parser("history", help="lister l'analyse en vigueur de chaque mois de l'historique")
    history.add_argument("--db", metavar="HISTORIQUE", help="fichier DuckDB ou URL postgresql:// (défaut : "
                                                            "BOTTLENECK_HISTORY ou data/history.duckdb)")
    history.add_argument("--json", action="store_true", help="sortie JSON (une liste d'objets)")
    history.add_argument("--copy-to", metavar="HISTORIQUE", help="copier tout l'historique vers cet autre historique "
                                                                 "(par exemple une URL postgresql://)")
    compare = commands.add_parser("compare", help="comparer deux mois de l'historique")
    compare.add_argument("before", metavar="AVANT", help="mois de référence, AAAA-MM")
    compare.add_argument("after", metavar="APRES", help="mois comparé, AAAA-MM")
    compare.add_argument("--db", metavar="HISTORIQUE", help="fichier DuckDB ou URL postgresql://")
    return parser


class ClosedPipeTolerant:
    """Standard output that outlives its reader: `run … | head -1` still writes the deliverables and records the
    month once `head` has gone (what is printed after that goes nowhere, as Python's documentation advises)."""

    def __init__(self, stream):
        self._stream = stream

    def _silenced(self, action):
        try:
            return action()
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
            return action()

    def write(self, text: str) -> int:
        return self._silenced(lambda: self._stream.write(text))

    def flush(self) -> None:
        self._silenced(self._stream.flush)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stdout, sys.stdout = sys.stdout, ClosedPipeTolerant(sys.stdout)
    try:
        return COMMANDS[args.command](args)
    except InputError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # a bug: one French line, the details only on request
        if os.environ.get("BOTTLENECK_DEBUG"):
            raise
        print(f"Erreur inattendue ({type(error).__name__}) : la commande s'est arrêtée. Relancez avec "
              "BOTTLENECK_DEBUG=1 pour le détail et signalez-la à l'équipe.", file=sys.stderr)
        return EXIT_UNEXPECTED
    finally:
        sys.stdout = stdout
