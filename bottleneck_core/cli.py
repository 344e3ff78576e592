"""Command line: `python -m bottleneck_core run ...` prints every step and check and writes the deliverables."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import InputError

EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT = 0, 1, 2
STATUS_MARKS = {"passed": "OK", "failed": "ÉCHEC", "skipped": "ignoré", "not_computable": "non calculable"}


class FrenchParser(argparse.ArgumentParser):
    """argparse whose usage errors are one French line and exit code 2."""

    def error(self, message: str) -> None:  # pragma: no cover - exercised through the CLI tests
        self.exit(EXIT_BAD_INPUT, f"Erreur : arguments invalides ({message}). "
                                  f"Voir « {self.prog} --help ».\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(prog="python -m bottleneck_core",
                          description="Analyse mensuelle BottleNeck : nettoyage, fusion, CA, vins premium.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=FrenchParser)
    run = commands.add_parser("run", help="analyser les trois exports du mois et écrire les livrables")
    run.add_argument("--erp", help="export ERP (.xlsx, .csv ou .parquet)")
    run.add_argument("--liaison", help="table de liaison (.xlsx, .csv ou .parquet)")
    run.add_argument("--web", help="export WEB WooCommerce (.xlsx, .csv ou .parquet)")
    run.add_argument("--sample", action="store_true", help="utiliser les données d'exemple intégrées")
    run.add_argument("--config", help="configuration YAML (défaut : config/test_config.yaml ; "
                                      "avec --sample, les chiffres attendus de l'exemple)")
    run.add_argument("--threshold", type=float, help="seuil de z-score des vins premium (défaut : celui de la config)")
    run.add_argument("--period", help="mois analysé, AAAA-MM (défaut : le mois courant)")
    run.add_argument("--out", default="out", help="dossier des livrables (défaut : out/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run_command(args)
    except InputError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"Erreur : impossible d'écrire les livrables ({exc.strerror} : {exc.filename}).", file=sys.stderr)
        return EXIT_BAD_INPUT


def run_command(args: argparse.Namespace) -> int:
    from .config import DEFAULT_CONFIG_PATH
    from .pipeline import run_pipeline

    if args.sample:
        if args.erp or args.liaison or args.web:
            raise InputError("choisissez soit --sample, soit les trois fichiers --erp, --liaison et --web.")
        from .sample import generate

        sample = generate()
        sources, config = (sample.erp, sample.liaison, sample.web), args.config or sample.config
    else:
        missing = [f"--{k}" for k in ("erp", "liaison", "web") if not getattr(args, k)]
        if missing:
            raise InputError(f"il manque {', '.join(missing)} (ou utilisez --sample pour l'exemple).")
        sources = (args.erp, args.liaison, args.web)
        config = args.config or (DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None)
    result = run_pipeline(*sources, config=config, period=args.period, threshold=args.threshold)
    print(render_report(result))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in result.exports().items():
        (out / name).write_bytes(data)
    print(f"\nLivrables écrits dans {out}/ : {', '.join(result.exports())}")
    return EXIT_OK if result.checks_passed else EXIT_CHECKS_FAILED


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table with aligned columns."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def render_report(result) -> str:
    """The run as text: sources, every step with rows in and out, every check, and the headline figures."""
    from .checks import SEVERITY_LABELS
    from .formatting import euros, integer, number

    def shown(value: object) -> str:
        if value is None:
            return "—"
        if isinstance(value, float) and not value.is_integer():
            return number(value)
        return integer(int(value)) if isinstance(value, (int, float)) else str(value)

    sources = table(["Source", "Fichier", "Lignes", "Colonnes"],
                    [[t.label, t.name, integer(t.raw_rows), str(t.n_columns)] for t in result.sources.values()])
    steps = table(["Étape", "Entrée", "Sortie", "Écartées", "Motifs"],
                  [[s.title, integer(s.rows_in), integer(s.rows_out), integer(s.rows_removed),
                    "; ".join(f"{r} : {integer(n)}" for r, n in s.removed_by_reason().items())]
                   for s in result.steps])
    checks = table(["Statut", "Gravité", "Contrôle", "Attendu", "Obtenu", "Intitulé"],
                   [[STATUS_MARKS[c.status], SEVERITY_LABELS[c.severity], c.id, shown(c.expected),
                     shown(c.actual), c.title] for c in result.checks])
    failed = [c for c in result.checks if c.blocking_failure]
    warnings = [c for c in result.checks if c.severity == "warning" and c.status == "failed"]
    verdict = ("Tous les contrôles bloquants sont réussis." if not failed else
               f"{len(failed)} contrôle(s) bloquant(s) en échec : {', '.join(c.id for c in failed)}.")
    notes = "\n".join(f"  - {c.message}" for c in failed + warnings)
    price = result.threshold_price
    figures = (f"Période {result.period} — chiffre d'affaires total : {euros(result.revenue_total)} ; "
               f"vins premium (z-score > {number(result.threshold)}"
               f"{', prix > ' + euros(price) if price is not None else ''}) : "
               f"{integer(result.summary['premium_count'])} ; ordinaires : {integer(result.summary['ordinary_count'])}.")
    return "\n\n".join(["SOURCES\n" + sources, "ÉTAPES\n" + steps, "CONTRÔLES\n" + checks,
                        f"{verdict} {len(warnings)} avertissement(s).\n{notes}".rstrip(), figures])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
