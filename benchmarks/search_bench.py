"""Search benchmark: generated English and French content, full reindex against raw
Whoosh on the same documents, index size, query latency p50/p95 through the whole
request path (parse, search, permission re-check, snippets) and for raw Whoosh.

    python -m benchmarks.search_bench [--posts 100000] [--posts 500000] [--queries 200]
                                      [--workdir DIR]

``--workdir`` keeps each size's database and index under DIR; a later run with the
same DIR reuses them and measures the queries only (no generation or reindex).

"posts" counts questions plus answers (a question and three answers per thread);
the index holds one document per thread with its answers' text.
"""

from __future__ import annotations

import argparse
import os
import pickle
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, select, update

EN = ("coffee grind grinder espresso roast roaster bean beans water temperature pressure milk "
      "brew brewing filter kettle pour over drip french press aeropress moka pot crema shot "
      "extraction bitter sour acid acidity sweet body aroma fresh stale storage container "
      "burr blade dose tamp tamper portafilter basket boiler steam wand froth foam latte "
      "cappuccino flat white cortado ristretto lungo decaf caffeine arabica robusta origin "
      "ethiopia colombia kenya brazil washed natural honey process light medium dark roast "
      "scale descale cleaning maintenance gasket pump machine warranty repair price cheap "
      "best recipe ratio gram scale timer bloom agitation paper metal cloth cold iced "
      "concentrate dilute syrup sugar cream oat soy almond how why what should when can "
      "does make taste tastes better worse problem help need want use using keep stop").split()
FR = ("café moudre moulin mouture expresso torréfaction torréfacteur grain grains eau "
      "température pression lait infusion filtre bouilloire cafetière italienne piston "
      "crème extraction amer acide acidité sucré corps arôme frais rassis conservation "
      "boîte meule lame dose tasser panier chaudière vapeur buse mousse décaféiné caféine "
      "origine éthiopie colombie brésil lavé nature miel torréfié clair foncé détartrer "
      "nettoyage entretien joint pompe machine garantie réparation prix meilleur recette "
      "ratio balance minuterie papier métal froid glacé sirop sucre avoine amande comment "
      "pourquoi quel quelle faut faire goût problème aide besoin utiliser garder").split()
EN_GLUE = "the a of to and in is it my with for on this that I you".split()
FR_GLUE = "le la les de des du un une et est pour avec dans mon ma je que qui pas".split()


def _vocab(rng, base, n_fake, accents=False):
    syll = ["ka", "lo", "mi", "ru", "te", "sa", "po", "ni", "ve", "do", "ré", "è", "fa"] if accents \
        else ["ka", "lo", "mi", "ru", "te", "sa", "po", "ni", "ve", "do", "ber", "tin", "gal"]
    fake = {"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(n_fake)}
    words = list(dict.fromkeys(base + sorted(fake)))
    rng.shuffle(words)
    weights = [1 / (r + 1) for r in range(len(words))]  # Zipf
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    return words, cum


class Text:
    def __init__(self, seed=7):
        self.rng = random.Random(seed)
        self.langs = {"en": (_vocab(self.rng, EN, 6000), EN_GLUE),
                      "fr": (_vocab(self.rng, FR, 5000, accents=True), FR_GLUE)}

    def words(self, lang, n):
        (words, cum), glue = self.langs[lang]
        out = self.rng.choices(words, cum_weights=cum, k=n)
        for i in range(0, n, 4):  # function words make the language detectable
            out[i] = self.rng.choice(glue)
        return out


def generate(app, posts: int, seed: int = 7) -> dict:
    from community.extensions import db
    from community.models import Post, Space, Thread, User
    from community.services import accounts

    rng = random.Random(seed)
    text = Text(seed)
    now = datetime.now(UTC)
    threads = posts // 4
    with app.app_context():
        db.create_all()
        db.session.execute(insert(Space), [
            {"id": 1, "slug": "public", "name": "Public", "description": "", "visibility": "public",
             "position": 0, "attribution_html": "", "created_at": now},
            {"id": 2, "slug": "members", "name": "Members", "description": "",
             "visibility": "members", "position": 1, "attribution_html": "", "created_at": now},
            {"id": 3, "slug": "staff", "name": "Staff", "description": "", "visibility": "staff",
             "position": 2, "attribution_html": "", "created_at": now}])
        member = accounts.register_user(db.session, username="benchmember",
                                        email="m@bench.test", password="bench-member-pass")
        author = accounts.register_user(db.session, username="benchauthor",
                                        email="a@bench.test", password="bench-member-pass")
        db.session.commit()
        token = accounts.issue_token(db.session, member)
        db.session.commit()
        titles = []
        tid, pid = 0, 0
        batch_t, batch_p, batch_a = [], [], []
        for n in range(threads):
            tid += 1
            lang = "fr" if rng.random() < 0.4 else "en"
            title_words = text.words(lang, rng.randint(6, 10))
            title = " ".join(title_words).capitalize()[:250] + " ?"
            titles.append((lang, title_words))
            body = " ".join(text.words(lang, rng.randint(30, 60)))
            created = now - timedelta(minutes=threads - n)
            space = 1 if rng.random() < 0.7 else (2 if rng.random() < 0.83 else 3)
            for k in range(3):
                pid += 1
                ans = " ".join(text.words(lang, rng.randint(20, 50)))
                batch_p.append({"id": pid, "thread_id": tid, "author_id": author.id, "body": ans,
                                "body_html": f"<p>{ans}</p>", "score": rng.randint(-1, 12),
                                "is_official": False, "created_at": created})
                if k == 0 and rng.random() < 0.4:
                    batch_a.append({"tid": tid, "acc": pid})
            batch_t.append({"id": tid, "space_id": space, "kind": "question", "title": title,
                            "body": body, "body_html": f"<p>{body}</p>", "author_id": author.id,
                            "score": rng.randint(-2, 30), "post_count": 3, "idea_status": None,
                            "accepted_post_id": None, "is_locked": False, "is_pinned": False,
                            "is_closed": False, "view_count": 0, "created_at": created,
                            "last_activity_at": created})
            if len(batch_t) >= 2000 or n == threads - 1:
                db.session.execute(insert(Thread), batch_t)
                db.session.execute(insert(Post), batch_p)
                if batch_a:
                    db.session.connection().execute(
                        update(Thread.__table__).where(Thread.__table__.c.id == bindparam("tid"))
                        .values(accepted_post_id=bindparam("acc")), batch_a)
                db.session.commit()
                batch_t, batch_p, batch_a = [], [], []
        assert db.session.scalar(select(User.id).where(User.username == "benchmember"))
    return {"token": token, "titles": titles, "threads": threads}


def _dir_size(path: str) -> int:
    real = os.path.realpath(path)
    return sum(os.path.getsize(os.path.join(real, f)) for f in os.listdir(real))


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _queries(rng, titles, n):
    picks = [rng.choice(titles) for _ in range(n * 4)]
    def content(words):
        return [w for w in words if w not in EN_GLUE and w not in FR_GLUE and len(w) > 2]
    one = [rng.choice(content(w) or w) for _, w in picks[:n]]
    two = [" ".join(rng.sample(content(w), 2)) for _, w in picks[n:2 * n] if len(content(w)) >= 2]
    three = [" ".join(rng.sample(content(w), 3)) for _, w in picks[2 * n:3 * n]
             if len(content(w)) >= 3]
    phrase = []
    for _, w in picks[3 * n:]:
        i = rng.randrange(0, len(w) - 1)
        phrase.append(f'"{w[i]} {w[i + 1]}"')
    return {"1 word": one, "2 words": two, "3 words": three, "phrase": phrase}


def run(posts: int, n_queries: int, procs: int, workdir: str | None = None) -> dict:
    from whoosh import index as whoosh_index

    from community import create_app
    from community.extensions import db
    from community.search.documents import all_documents, make_schema
    from community.search.outbox import drain_outbox, rebuild_index

    work = os.path.join(workdir, str(posts)) if workdir else tempfile.mkdtemp(
        prefix=f"search-bench-{posts}-")
    saved = os.path.join(work, "data.pkl")
    try:
        app = create_app({"INSTANCE_PATH": work, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/bench.db",
                          "SEARCH_INDEX_DIR": f"{work}/search-index", "RATELIMIT_ENABLED": False,
                          "SEARCH_REINDEX_PROCS": procs})
        backend = app.extensions["search"]
        if os.path.exists(saved):
            with open(saved, "rb") as fh:
                data = pickle.load(fh)
            print(f"[{posts}] reusing {work}: queries only", flush=True)
            return _query_figures(app, backend, data, posts, n_queries, {})
        os.makedirs(work, exist_ok=True)
        t0 = time.perf_counter()
        data = generate(app, posts)
        print(f"[{posts}] generated {data['threads']} threads / {posts} posts in "
              f"{time.perf_counter() - t0:.0f}s", flush=True)
        with app.app_context():
            docs = list(all_documents(db.session))
            raw_dir = f"{work}/raw-index"
            os.makedirs(raw_dir)
            t0 = time.perf_counter()
            ix = whoosh_index.create_in(raw_dir, make_schema())
            w = ix.writer(procs=procs, multisegment=True, limitmb=256) if procs > 1 \
                else ix.writer(limitmb=256)
            for doc in docs:
                w.add_document(**doc)
            w.commit()
            raw_s = time.perf_counter() - t0
            del docs
            print(f"[{posts}] raw Whoosh indexed in {raw_s:.1f}s", flush=True)
            with backend.writer_lock():
                t0 = time.perf_counter()
                rebuild_index(app, procs=procs)
                re_s = time.perf_counter() - t0
            print(f"[{posts}] reindex in {re_s:.1f}s", flush=True)
        size = _dir_size(backend.path)

        # incremental: 200 changed threads, one batch, one commit
        with app.app_context():
            from community.models import SearchOutbox
            rng = random.Random(3)
            for tid in rng.sample(range(1, data["threads"] + 1), 200):
                db.session.add(SearchOutbox(thread_id=tid, action="index"))
            db.session.commit()
        t0 = time.perf_counter()
        drain_outbox(app)
        batch_s = time.perf_counter() - t0
        if workdir:
            with open(saved, "wb") as fh:
                pickle.dump(data, fh)
        results = {
            f"reindex ({posts:,} posts)": {
                "seconds": round(re_s, 1), "raw_whoosh_seconds": round(raw_s, 1),
                "ratio_to_raw": round(re_s / raw_s, 2),
                "posts_per_s": round(posts / re_s), "threads_per_s": round(data["threads"] / re_s),
                "index_mb": round(size / 2**20, 1), "batch_200_updates_s": round(batch_s, 2)},
        }
        return _query_figures(app, backend, data, posts, n_queries, results)
    finally:
        if not workdir:
            shutil.rmtree(work, ignore_errors=True)


def _query_figures(app, backend, data, posts: int, n_queries: int, results: dict) -> dict:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {data['token']}"}
    rng = random.Random(11)
    queries = _queries(rng, data["titles"], n_queries)
    client.get("/api/v1/search", query_string={"q": "coffee"}, headers=headers)  # warm
    with app.app_context():
        with backend.searcher() as s:
            for kind, qs in queries.items():
                full, raw, hits = [], [], []
                for q in qs:
                    t0 = time.perf_counter()
                    r = client.get("/api/v1/search", query_string={"q": q}, headers=headers)
                    full.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, r.get_data(as_text=True)
                    hits.append(r.get_json()["total"])
                    t0 = time.perf_counter()
                    parsed, _terms = backend.parse(q)
                    if parsed is not None:
                        res = s.search(parsed, limit=20)
                        [h["id"] for h in res]
                    raw.append((time.perf_counter() - t0) * 1000)
                results[f"{kind} ({posts:,} posts)"] = {
                    "request_p50_ms": round(_pct(full, 50), 1),
                    "request_p95_ms": round(_pct(full, 95), 1),
                    "raw_p50_ms": round(_pct(raw, 50), 1),
                    "raw_p95_ms": round(_pct(raw, 95), 1),
                    "median_total_hits": int(statistics.median(hits))}
                print(f"[{posts}] {kind}: {results[f'{kind} ({posts:,} posts)']}", flush=True)
    # the reindex figures (when measured) after the queries, as before
    results = {k: v for k, v in results.items() if not k.startswith("reindex")} | \
        {k: v for k, v in results.items() if k.startswith("reindex")}
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, action="append")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--procs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--workdir", help="keep the generated database and index here and, "
                        "when they exist, reuse them and measure the queries only")
    args = parser.parse_args(argv)
    sizes = args.posts or [100_000]
    results = {}
    for posts in sizes:
        results.update(run(posts, args.queries, args.procs, args.workdir))
    if not args.no_record:
        from benchmarks.record import record

        command = "python -m benchmarks.search_bench " + " ".join(
            f"--posts {p}" for p in sizes) + f" --queries {args.queries} --procs {args.procs}" \
            + (f" --workdir {args.workdir}" if args.workdir else "")
        record("Search", results, command=command,
               note="Whole request = GET /api/v1/search as a signed-in member through the "
                    "Flask test client (auth, parse, Whoosh, database re-check, snippets, JSON); "
                    "raw = parse + Whoosh top 20 on the same index. One document per thread "
                    "(a question and its 3 answers), 40 % French.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
