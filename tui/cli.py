"""The ``carnet`` command. Subcommands that need no screen never import textual."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.errors import CarnetError
from tui.cli_documents import add_parsers as add_document_parsers
from tui.cli_documents import dispatch as dispatch_documents
from tui.cli_enrol import add_parser as add_enrol_parser
from tui.cli_enrol import dispatch as dispatch_enrol
from tui.cli_referentials import add_parser as add_referentials_parser
from tui.cli_referentials import run as run_referentials
from tui.cli_sync import add_parsers as add_sync_parsers
from tui.cli_sync import dispatch as dispatch_sync

EXIT_UNEXPECTED = 70


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("carnet", appauthor=False))


class UsageError(CarnetError):
    """A command line argparse refuses: exit 2, as Unix commands do for a usage error."""

    exit_code = 2


# What an option means when its parser says nothing (the sync subcommands share these).
DEFAULT_HELP = {
    "--data": "dossier de données (par défaut : celui de l'utilisateur)",
    "--json": "sortie JSON, pour les scripts",
    "--out": "fichier à écrire (jamais écrasé s'il existe)",
    "--seed": "graine du tirage, pour refaire le même jeu (2026 par défaut)",
}


# What the usage line calls an argument or an option's value (argparse would write the
# destination's name: « candidate », « DATA »).
METAVARS = {
    "candidate": "CANDIDAT",
    "block": "BLOC",
    "keyfile": "FICHIER_CLE",
    "files": "FICHIER",
    "--data": "DOSSIER",
    "--out": "FICHIER",
}


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse, in French (its own words too), with a one-line error instead of the usage
    block, and a help line for every option."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS,
            help="affiche cette aide et s'arrête",
        )  # fmt: skip

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("help") is None:
            for name in args:
                if name in DEFAULT_HELP:
                    kwargs["help"] = DEFAULT_HELP[name]
        if "metavar" not in kwargs and kwargs.get("action") not in ("help", "store_true"):
            # The usage line shows these names: in French, like the rest.
            for name in args:
                if name in METAVARS:
                    kwargs["metavar"] = METAVARS[name]
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> Any:
        raise UsageError(f"{_french(message)} (voir « carnet --help »)")


def _french(message: str) -> str:
    replacements = {
        "the following arguments are required": "arguments obligatoires manquants",
        "unrecognized arguments": "arguments inconnus",
        "invalid choice": "choix invalide",
        "invalid int value": "nombre entier attendu",
        "expected one argument": "une valeur est attendue",
        "choose from": "choix possibles :",
        "required": "obligatoire",
        "invalid": "invalide",
        "value": "valeur",
    }
    for english, french in replacements.items():
        # Whole words only: « invalid » must not change the « invalide » just written.
        message = re.sub(rf"\b{re.escape(english)}\b", french, message)
    return message


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="carnet",
        description="Carnet de suivi et grilles d'évaluation des CQP du Régime général.",
    )
    parser.add_argument(
        "--data", type=Path, help="dossier de données (par défaut : celui de l'utilisateur)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="ouvre un jeu de démonstration neuf, dans un dossier temporaire",
    )
    parser.add_argument(
        "--verrou",
        type=_positive,
        default=10,
        metavar="MINUTES",
        help="verrouille l'app après tant de minutes sans activité (10 par défaut)",
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="affiche la version et s'arrête",
    )  # fmt: skip
    sub = parser.add_subparsers(
        dest="command", parser_class=_Parser, title="commandes", metavar="COMMANDE"
    )

    demo = sub.add_parser(
        "demo", help="écrit un jeu de démonstration dans un dossier, sans ouvrir l'application"
    )
    demo.add_argument(
        "--data", type=Path, required=True, help="dossier vide où écrire le jeu (obligatoire)"
    )
    demo.add_argument(
        "--candidates", type=_positive, default=12, help="nombre de candidats (12 par défaut)"
    )
    demo.add_argument(
        "--events", type=_positive, default=None, help="événements par dossier (pour les mesures)"
    )
    demo.add_argument("--seed", type=int, default=2026)

    status = sub.add_parser("status", help="l'état de chaque candidat")
    status.add_argument("--data", type=Path)
    status.add_argument(
        "--json", action="store_true", help="sortie JSON pour les scripts du secrétariat"
    )

    add_referentials_parser(sub)

    recover = sub.add_parser(
        "recover", help="restaure les fichiers illisibles depuis leur sauvegarde"
    )
    recover.add_argument("--data", type=Path)
    verify = sub.add_parser(
        "verify", help="vérifie l'intégrité complète du dossier de données, sans rien changer"
    )
    verify.add_argument("--data", type=Path)
    verify.add_argument("--json", action="store_true", help="le rapport en JSON")
    add_sync_parsers(sub)
    add_enrol_parser(sub)
    add_document_parsers(sub)
    return parser


class _VersionAction(argparse.Action):
    """``--version``, the installed version looked up only when asked: importlib.metadata
    and the lookup took 20 to 30 ms of every command when the parser was built (argparse's
    own action wants the text then)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.update(nargs=0, default=argparse.SUPPRESS)
        super().__init__(option_strings, argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        sys.stdout.write(f"carnet {_version()}\n")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("carnet")
    except PackageNotFoundError:
        return "inconnue"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
    if value < 1:
        raise argparse.ArgumentTypeError("un nombre supérieur ou égal à 1 est attendu")
    return value


# Commands that have closed every file they opened when they return: their process ends
# without the interpreter's teardown, which frees every object of pydantic, fpdf2 and the
# store one by one (0.05 to 0.1 s of a command that takes half a second).
_ENDS_CLOSED = frozenset(
    {"dossier", "grille", "jury", "tableau", "status", "verify", "export", "import"}
)


# The commands that make a PDF: their layout process starts before anything else.
_MAKE_PDF = frozenset({"dossier", "grille", "jury"})


def run() -> None:
    """The ``carnet`` console script."""
    # carnet uses no pydantic plugin; looking for one scans every installed package's entry
    # points when the first model is built (15 ms of each command's start, on this machine).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    early = len(sys.argv) > 1 and sys.argv[1] in _MAKE_PDF
    if early:
        from store.documents.renderer import start_early

        start_early()
    code = main()
    if early:
        from store.documents.renderer import stop_early

        stop_early()
    if len(sys.argv) > 1 and sys.argv[1] in _ENDS_CLOSED:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _dispatch(_with_global_data(build_parser().parse_args(argv), argv))
    except CarnetError as exc:
        print(f"carnet : {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("carnet : interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        print(f"carnet : erreur inattendue ({type(exc).__name__}) : {exc}", file=sys.stderr)
        return EXIT_UNEXPECTED


def _with_global_data(args: argparse.Namespace, argv: Sequence[str] | None) -> argparse.Namespace:
    """« carnet --data DIR status » as « carnet status --data DIR »: each command's own
    ``--data`` (absent, so None) would otherwise hide the one given before the command."""
    if getattr(args, "data", None) is None:
        early = argparse.ArgumentParser(add_help=False)
        early.add_argument("--data", type=Path)
        given, _ = early.parse_known_args(sys.argv[1:] if argv is None else list(argv))
        if given.data is not None:
            args.data = given.data
    return args


def _dispatch(args: argparse.Namespace) -> int:
    data: Path | None = args.data
    if args.command == "demo":
        return _demo(data or default_data_dir(), args.candidates, args.events, args.seed)
    if args.command == "status":
        return _status(data or default_data_dir(), as_json=args.json)
    if args.command == "referentiels":
        return run_referentials(args, default_data_dir())
    if args.command == "recover":
        return _recover(data or default_data_dir())
    if args.command == "verify":
        return _verify(data or default_data_dir(), as_json=args.json)
    done = dispatch_sync(args, data or default_data_dir())
    if done is None:
        done = dispatch_enrol(args, data or default_data_dir())
    if done is None:
        done = dispatch_documents(args, data or default_data_dir())
    if done is not None:
        return done
    if args.demo:
        if data is not None:
            raise CarnetError("--demo ouvre un dossier temporaire neuf : n'indiquez pas --data")
        data = Path(tempfile.mkdtemp(prefix="carnet-demo-"))
        _demo(data, 12, None, 2026, quiet=True)
    return _open_app(data or default_data_dir(), args.verrou)


def _open_app(data: Path, lock_minutes: int = 10) -> int:
    from tui.app import build_app

    # The real app always asks who is at the keyboard, and asks again after inactivity.
    app = build_app(data, identify=True, lock_after=lock_minutes * 60)
    app.run()
    return app.return_code or 0


def _demo(
    data: Path, candidates: int, events: int | None, seed: int, *, quiet: bool = False
) -> int:
    from store.demo import populate
    from store.writer import Writer

    with Writer(data) as writer:
        if writer.call(lambda s: bool(s.candidate_ids())):
            raise CarnetError(f"{data} contient déjà des dossiers : choisissez un dossier vide")
        summary = writer.call(
            lambda s: populate(s, candidates, seed=seed, events_per_dossier=events)
        )
    if not quiet:
        print(
            f"Jeu de démonstration écrit dans {data} : {summary.candidates} candidats, "
            f"{summary.people} personnes, {summary.events} événements."
        )
    return 0


def _status(data: Path, *, as_json: bool) -> int:
    from models.status import cqp_label, sort_key
    from store.writer import Writer

    _require_data(data)

    # A reader: no lock, so it works while the app is open on the same folder.
    with Writer(data, read_only=True) as writer:
        if as_json:
            texts, listing = writer.call(lambda store: store.summary_texts())
        else:
            listing = writer.call(lambda store: store.summaries())
    if listing.unreadable:
        # Never a partial list that looks whole: the secretariat's scripts would miss someone.
        names = ", ".join(candidate for candidate, _ in listing.unreadable)
        first = listing.unreadable[0][1]
        raise CarnetError(f"{len(listing.unreadable)} dossier(s) illisible(s) ({names}) : {first}")
    if as_json:
        # The records as the index holds them, never decoded: in one piece (json.dump writes
        # token by token, slow on an unbuffered pipe), compact, one candidate per line so it
        # stays readable and greppable.
        texts.sort(key=lambda pair: (sort_key(pair[0]["name"]), pair[0]["id"]))
        body = b'{"candidates": [\n' + b",\n".join(text for _, text in texts) + b"\n]}\n"
        raw = getattr(sys.stdout, "buffer", None)
        if raw is None:  # a text stream without bytes beneath (a test's StringIO)
            sys.stdout.write(body.decode())
            return 0
        sys.stdout.flush()
        raw.write(body)
        raw.flush()
        return 0
    records = listing.records
    records.sort(key=lambda r: (sort_key(r["name"]), r["id"]))
    if not records:
        print("Aucun candidat.")
        return 0
    from models.verdict import Status

    for r in records:
        status = Status(r["status"])
        detail = _detail(r)
        if r.get("active") is False:
            detail += " (désactivé)"
        print(
            f"{status.mark} {r['name']:<28} {cqp_label(r['cqp']):<22} {status.label:<11} {detail}"
        )
    return 0


def _detail(record: dict[str, Any]) -> str:
    """The one-line summary after the status: blocks, average or VAE, and the final decision."""
    from models.career import PROCLAMATION_LABELS

    if record["blocks"]:
        return " ".join(
            f"B{i + 1} {b['validated']}/{b['total']}" for i, b in enumerate(record["blocks"])
        )
    if "vae" in record:
        vae = record["vae"]
        done = len(vae["acquired"]) + len(vae["validated"])
        total = done + len(vae["not_validated"]) + len(vae["undecided"])
        detail = f"VAE {done}/{total} compétences"
    else:
        detail = f"moyenne {(record['average'] or '—').replace('.', ',')}"
    final = record.get("final_decision")
    if final:
        detail += f" · jury national : {PROCLAMATION_LABELS[final]}"
    return detail


def _verify(data: Path, *, as_json: bool) -> int:
    from store.verify import verify

    _require_data(data)
    report = verify(data)
    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write("".join(line + "\n" for line in report.lines()))
    return 0 if report.ok else 1


def _recover(data: Path) -> int:
    from store.recovery import recover
    from store.verify import stale_caches

    _require_data(data)
    report = recover(data, stale_caches=stale_caches)
    for line in report.lines():
        print(line)
    return 1 if report.unrecoverable else 0


def _require_data(data: Path) -> None:
    if not data.is_dir():
        raise CarnetError(f"le dossier de données {data} n'existe pas")


if __name__ == "__main__":  # pragma: no cover
    run()
