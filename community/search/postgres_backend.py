"""The PostgreSQL full-text backend: the index lives in the database every process shares.

Documents are rows of ``search_document`` (see ``pg_schema``), written by the same
outbox indexer as Whoosh's (write, commit, then index), so a lagging index and the
service's re-check behave as with Whoosh. Each row carries a tsvector weighted
title A, tags B, body and answers C, in the configuration of its detected language;
a query is parsed with ``websearch_to_tsquery`` in both configurations and each row
is matched against its own language's. "Did you mean" and similar titles use
trigrams (``pg_trgm``); snippets are ``ts_headline`` passages, escaped here.

Only one process writes: a PostgreSQL advisory lock stands for Whoosh's file lock.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Iterable

from markupsafe import escape
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, TEXT
from sqlalchemy.exc import DBAPIError

from . import pg_schema
from .analysis import LANGUAGES, fold, spelling_analyzer
from .base import Hit, IndexUnavailable, SearchBackend, SearchRequest, SearchResult

log = logging.getLogger(__name__)
LOCK_KEY = 0x5EA4C4  # the advisory lock of the one writer
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A: a title word counts five times a body word
MAX_BODY = 300_000  # characters of body and answers indexed (a tsvector holds 1 MB)
MARK, UNMARK = "\ue000", "\ue001"  # ts_headline's selection markers, escaped around
# ts_headline's parser takes "<b ...>" for markup and leaves it out: stand-ins keep the
# text's angle brackets (shown escaped), as the Whoosh path shows them.
LT, GT = "\ue002", "\ue003"
_STAND_INS = str.maketrans({MARK: " ", UNMARK: " ", LT: " ", GT: " "})
HEADLINE_OPTIONS = (f"StartSel={MARK}, StopSel={UNMARK}, MaxWords=30, MinWords=12, "
                    "MaxFragments=2, FragmentDelimiter=\" … \"")
HEADLINE_SCAN = 20_000  # characters of a text a snippet is cut from, as the Whoosh path
SORTS = {"relevance": "rank DESC, d.thread_id DESC",
         "recent": "d.created_at DESC, d.thread_id DESC",
         "votes": "d.score DESC, d.thread_id DESC"}
_EXCLUDED = re.compile(r'(?:^|(?<=[\s(]))-(?:"[^"]*"?|\S+)')
_SPELL_WORD = re.compile(r"(?<![-\w])\w+")


def positive_words(text_: str) -> str:
    """The words a hit may contain: excluded words and the OR operator left out."""
    kept = _EXCLUDED.sub(" ", text_)
    return " ".join(w for w in re.sub(r'["()]', " ", kept).split() if w != "OR")


def _any_word(lang: str, param: str, weight: str = "") -> str:
    """SQL for a tsquery matching any lexeme of ``:param`` (NULL when none)."""
    suffix = f" || '\\:{weight}'" if weight else ""  # \: escapes text()'s bind marker
    return (f"(SELECT string_agg(quote_literal(lexeme){suffix}, ' | ') "
            f"FROM unnest(to_tsvector('{pg_schema.CONFIGS[lang]}', :{param})))::tsquery")


@contextlib.contextmanager
def _unavailable_if_missing():
    try:
        yield
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) in ("42P01", "42704"):  # table, config
            raise IndexUnavailable(str(exc.orig).splitlines()[0]) from exc
        raise


class PostgresBackend(SearchBackend):
    cuts_snippets = True

    def __init__(self, engine_getter: Callable, request_connection: Callable):
        self._engine = engine_getter
        # A context manager giving the request's own connection (in a savepoint), or
        # None outside a request.
        self._request_connection = request_connection
        self.path = "the search_document table"  # where `reindex` says the index went

    # ---- state -------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self):
        with _unavailable_if_missing(), self._engine().connect() as conn:
            yield conn

    @contextlib.contextmanager
    def _read(self):
        """For queries in a request, its own connection: a search that took a second one
        beside the page's emptied the pool under load (each request holding one and
        waiting for another). In a savepoint, so a failed search leaves the page's
        transaction usable. Elsewhere (the worker, commands), a connection of its own."""
        with _unavailable_if_missing(), self._request_connection() as conn:
            if conn is None:
                with self._engine().connect() as own:
                    yield own
            else:
                yield conn

    def exists(self) -> bool:
        with self._engine().connect() as conn:
            return bool(conn.scalar(text(" AND ".join(
                f"to_regclass('{t}') IS NOT NULL" for t in pg_schema.TABLES).join(("SELECT ", "")))))

    def missing(self) -> bool:
        return not self.exists()

    def version(self):
        """The ``search_version`` row (pg_schema.VERSION_DDL): one primary-key read."""
        with self._read() as conn:
            return conn.scalar(text("SELECT version FROM search_version WHERE id = 1"))

    def healthy(self) -> bool:
        try:
            with self._read() as conn:
                conn.execute(text("SELECT 1 FROM search_document LIMIT 1"))
            return True
        except (IndexUnavailable, DBAPIError):
            return False

    @contextlib.contextmanager
    def writer_lock(self, blocking: bool = True):
        """Yields True when this process is the one writer, False if another is."""
        with self._engine().connect() as conn:
            if blocking:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
                got = True
            else:
                got = conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY})
            conn.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                    conn.commit()

    # ---- queries -----------------------------------------------------------------

    def _match(self, req: SearchRequest) -> tuple[str, dict]:
        """The per-language tsquery, the WHERE clause and its parameters."""
        params: dict = {"q": req.text, "words": positive_words(req.text)}
        queries, matches = [], []
        for lang in LANGUAGES:
            cfg = pg_schema.CONFIGS[lang]
            if req.title_only:
                q = _any_word(lang, "words", "A")
            elif req.any_word:
                q = _any_word(lang, "words")
            else:
                q = f"websearch_to_tsquery('{cfg}', :q)"
            queries.append(f"{q} AS q_{lang}")
            # querytree 'T': nothing positive to look for (only excluded words).
            matches.append(f"(d.lang = '{lang}' AND querytree(q.q_{lang}) <> 'T' "
                           f"AND d.tsv @@ q.q_{lang})")
        where = "(" + " OR ".join(matches) + ")"
        if req.title_only:
            where = f"({where} OR d.title % :q)"
        where += " AND d.space_id = ANY(:spaces)"
        params["spaces"] = sorted(req.allowed_spaces)
        if req.space is not None:
            where += " AND d.space_id = :space"
            params["space"] = req.space
        if req.kind:
            where += " AND d.kind = :kind"
            params["kind"] = req.kind
        if req.tag:
            where += " AND d.tags @> ARRAY[CAST(:tag AS text)]"
            params["tag"] = req.tag.lower()
        if req.status == "unsolved":
            where += " AND d.kind = 'question' AND d.status IN ('open', 'answered')"
        elif req.status:
            where += " AND d.status = :status"
            params["status"] = req.status
        sql = f"WITH q AS (SELECT {', '.join(queries)}) SELECT {{columns}} FROM search_document d, q WHERE {where}"
        return sql, params

    def search(self, req: SearchRequest) -> SearchResult:
        if not req.allowed_spaces or not positive_words(req.text):
            return SearchResult(hits=[], total=0)
        sql, params = self._match(req)
        rank = f"(ts_rank('{WEIGHTS}', d.tsv, CASE d.lang WHEN 'en' THEN q.q_en ELSE q.q_fr END)"
        rank += " + similarity(d.title, :q))" if req.title_only else ")"
        columns = f"d.thread_id, {rank} * d.boost AS rank, d.created_at, d.score"
        # Ranked first, counted over the narrow rows: counting beside the ranking carried
        # every match's tsvector through the window (spilled to disk: 386 ms against 217
        # for a query matching 100,000 documents).
        page = (f"WITH m AS MATERIALIZED ({sql.format(columns=columns)}) "
                "SELECT d.thread_id, d.rank, count(*) OVER () AS total FROM m AS d "
                f"ORDER BY {SORTS[req.sort]} LIMIT :limit OFFSET :offset")
        params.update(limit=req.limit, offset=req.offset)
        with self._read() as conn:
            rows = conn.execute(text(page), params).all()
            if rows:
                total = rows[0].total
            else:
                total = conn.scalar(text(sql.format(columns="count(*)")), params) \
                    if req.offset else 0
        return SearchResult(hits=[Hit(thread_id=r.thread_id, score=float(r.rank)) for r in rows],
                            total=total)

    def suggest(self, text_: str) -> str | None:
        """Each word unknown to the index replaced by its closest known word (trigrams)."""
        # The vocabulary's own analysis: stop words are never "unknown", nor corrected.
        words = sorted({t.text for t in spelling_analyzer()(text_) if not t.text.isdigit()})
        if not words:
            return None
        with self._read() as conn:
            fixes = dict(conn.execute(text(
                "SELECT w, (SELECT s.word FROM search_word s WHERE s.word % w "
                "ORDER BY similarity(s.word, w) DESC, s.word LIMIT 1) "
                "FROM unnest(CAST(:words AS text[])) AS w "
                "WHERE NOT EXISTS (SELECT 1 FROM search_word k WHERE k.word = w)"),
                {"words": words}).all())
        changed = False

        def fix(match: re.Match) -> str:
            nonlocal changed
            found = fixes.get(fold(match.group().lower()))
            if found:
                changed = True
                return found
            return match.group()

        fixed = _SPELL_WORD.sub(fix, text_)
        return fixed if changed else None

    def headlines(self, query: str, texts: list[tuple[str, str]]) -> list[str | None]:
        """``ts_headline`` passages of each (language, text) that holds a query word, with
        the words in <mark> and everything else escaped; None for a text without one."""
        words = positive_words(query)
        if not texts or not words:
            return [None] * len(texts)
        clean = [t[:HEADLINE_SCAN].translate(_STAND_INS).replace("<", LT).replace(">", GT)
                 for _, t in texts]
        langs = [lang if lang in pg_schema.CONFIGS else "en" for lang, _ in texts]
        cases = " ".join(f"WHEN '{lang}' THEN ts_headline('{cfg}', t.body, {_any_word(lang, 'words')}, "
                         f":options)" for lang, cfg in pg_schema.CONFIGS.items())
        stmt = text(f"SELECT t.n, CASE t.lang {cases} END FROM unnest(:langs, :bodies) "
                    "WITH ORDINALITY AS t(lang, body, n)").bindparams(
            bindparam("langs", type_=ARRAY(TEXT)), bindparam("bodies", type_=ARRAY(TEXT)))
        with self._read() as conn:
            rows = dict(conn.execute(stmt, {"langs": langs, "bodies": clean, "words": words,
                                            "options": HEADLINE_OPTIONS}).all())
        return [_render(rows.get(n + 1)) for n in range(len(texts))]

    # ---- writing -----------------------------------------------------------------

    def _insert(self, conn, documents: Iterable[dict], suffix: str = "") -> int:
        rows, words = [], set()
        spell = spelling_analyzer()
        for doc in documents:
            lang = next(lang for lang in LANGUAGES if f"title_{lang}" in doc)
            # PostgreSQL text holds no NUL: one would stop the indexer on this batch forever.
            rows.append({
                "id": int(doc["id"]), "lang": lang, "title": doc[f"title_{lang}"].replace("\0", ""),
                "tags": [t for t in doc["tags"].split(",") if t],
                "body": doc[f"text_{lang}"][:MAX_BODY].replace("\0", ""), "space": int(doc["space"]),
                "kind": doc["kind"], "status": doc["status"], "score": doc["score"],
                "created": doc["created"], "boost": doc["_boost"]})
            words.update(t.text for t in spell(doc["spell"]))
        if not rows:
            return 0
        cfg = "CASE :lang WHEN 'fr' THEN 'continuum_fr' ELSE 'continuum_en' END::regconfig"
        conn.execute(text(
            f"INSERT INTO search_document{suffix} (thread_id, lang, tsv, title, tags, space_id, "
            "kind, status, score, created_at, boost) VALUES (:id, :lang, "
            f"setweight(to_tsvector({cfg}, :title), 'A') || "
            f"setweight(to_tsvector({cfg}, array_to_string(CAST(:tags AS text[]), ' ')), 'B') || "
            f"setweight(to_tsvector({cfg}, :body), 'C'), :title, :tags, :space, :kind, :status, "
            ":score, :created, :boost) ON CONFLICT (thread_id) DO UPDATE SET lang = excluded.lang, "
            "tsv = excluded.tsv, title = excluded.title, tags = excluded.tags, "
            "space_id = excluded.space_id, kind = excluded.kind, status = excluded.status, "
            "score = excluded.score, created_at = excluded.created_at, boost = excluded.boost"),
            rows)
        if words:
            # Never pruned between rebuilds: a suggestion is offered only when it finds
            # more of what the reader may read (service._did_you_mean re-runs the search).
            conn.execute(text(f"INSERT INTO search_word{suffix} (word) "
                              "SELECT unnest(CAST(:w AS text[])) ON CONFLICT DO NOTHING"),
                         {"w": sorted(words)})
        return len(rows)

    def index(self, documents: dict[int, dict | None]) -> None:
        """Caller holds ``writer_lock``. One transaction for the whole batch."""
        gone = [tid for tid, doc in documents.items() if doc is None]
        with self._connect() as conn:
            if gone:
                conn.execute(text("DELETE FROM search_document WHERE thread_id = ANY(:ids)"),
                             {"ids": gone})
            self._insert(conn, [d for d in documents.values() if d is not None])
            conn.execute(text(pg_schema.VERSION_DDL))
            conn.execute(text(pg_schema.BUMP_VERSION))
            conn.commit()

    def rebuild(self, documents: Iterable[dict], *, procs: int = 1,
                progress: Callable[[int], None] | None = None) -> None:
        """Caller holds ``writer_lock``. Fills new tables, then swaps them in."""
        with self._engine().connect() as conn:
            pg_schema.ensure_configs(conn)
            pg_schema.drop_build_tables(conn)
            for statement in pg_schema.table_ddl(pg_schema.BUILD):
                conn.execute(text(statement))
            conn.commit()
            batch: list[dict] = []
            try:
                for doc in documents:
                    batch.append(doc)
                    if len(batch) == 500:
                        self._flush(conn, batch, progress)
                self._flush(conn, batch, progress)
                pg_schema.swap_in_build_tables(conn)
                conn.execute(text(pg_schema.VERSION_DDL))
                conn.execute(text(pg_schema.BUMP_VERSION))
                conn.execute(text("ANALYZE search_document"))
                conn.commit()
            except BaseException:
                conn.rollback()
                pg_schema.drop_build_tables(conn)
                conn.commit()
                raise

    def _flush(self, conn, batch: list[dict], progress) -> None:
        done = self._insert(conn, batch, pg_schema.BUILD)
        conn.commit()
        batch.clear()
        if progress and done:
            progress(done)


def _render(headline: str | None) -> str | None:
    if not headline or MARK not in headline:
        return None  # ts_headline gives the text's start when no word matches
    out = str(escape(" ".join(headline.split())))
    return (out.replace(MARK, "<mark>").replace(UNMARK, "</mark>")
            .replace(LT, "&lt;").replace(GT, "&gt;"))
