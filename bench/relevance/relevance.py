#!/usr/bin/env python3
"""Relevance of `joubun search` on the Japanese development set, from graded judgments.

  relevance.py pool [--top N] BINARY... [--top N] BINARY... [--lexical N] > pool.tsv
      Clauses to grade, per query of queries.tsv: the top N hits of each binary (--top applies to the
      binaries after it; default 20), plus a lexical baseline made without joubun's search: the first
      --lexical (default 20) clauses, in document order, whose text holds every query word. Give the
      binaries oldest first: the last one is the newest, whose clause ids and parse are used.
  relevance.py split POOL N DIR
      Split POOL by query into N files DIR/grade-1.tsv … of about equal size, without clause ids.
  relevance.py score BINARY [--qrels FILE...]
      nDCG@10, P@10, recall@50 and unjudged hits in the top 10, against qrels.tsv (or the files given).

A grade is keyed by the clause's text, not its id: ids change with every segmentation, the text a grader
read does not. The key is the first 12 hex digits of the SHA-1 of heading + " / " + text, NFKC-normalised
with whitespace collapsed. qrels files hold query id, key, grade (0 not about it, 1 names the topic
without answering, 2 answers it), tab separated. Each binary searches an index it built itself from
../shared/devset/ja, in a folder named after the binary's path and modification time, so an old binary
never reads a new index. Unjudged hits count as not relevant; queries with no relevant clause are left
out of the means.
"""
import hashlib, json, math, os, re, subprocess, sys, tempfile, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "devset", "ja"))
SCORE_DEPTH = 50
KEY = re.compile(r"[0-9a-f]{12}")


def queries():
    for qid, text, _ in queries_with_wordings():
        yield qid, text


def queries_with_wordings():
    """Each query with the other wordings of it that the lexical baseline also looks for."""
    for line in open(os.path.join(HERE, "queries.tsv"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            qid, text, *rest = line.rstrip("\n").split("\t")
            wordings = [w.strip() for w in rest[0].split(",")] if rest and rest[0].strip() else []
            yield qid, text, wordings


def normalise(text):
    return " ".join(unicodedata.normalize("NFKC", text).split())


def clause_text(record):
    """What a grader reads, and what the key is made from: heading / text."""
    return (record.get("heading") or "") + " / " + record["text"]


def key(record):
    return hashlib.sha1(normalise(clause_text(record)).encode("utf-8")).hexdigest()[:12]


def index_of(binary):
    """The binary's own index of the corpus, built on first use."""
    path = os.path.realpath(binary)
    stamp = f"{path}\0{os.stat(path).st_mtime_ns}"
    index = os.path.join(tempfile.gettempdir(), "joubun-rel-" + hashlib.sha1(stamp.encode()).hexdigest()[:12])
    if not os.path.isdir(index):
        print(f"relevance: {binary} indexes {CORPUS} into {index}", file=sys.stderr)
        subprocess.run([binary, "index", CORPUS, "--index", index], check=True, stderr=subprocess.DEVNULL)
    return index


def search(binary, query, limit):
    out = subprocess.run(
        [binary, "search", query, "--json", "--limit", str(limit), "--index", index_of(binary),
         "--corpus", CORPUS],
        capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"relevance: {binary} search {query!r} failed: {out.stderr.strip()}")
    hits = [json.loads(line) for line in out.stdout.splitlines()]
    return [hit for hit in hits if "summary" not in hit]


def parse(binary):
    """Every clause of the corpus as the binary segments it, in document order."""
    out = subprocess.run([binary, "parse", "--json", CORPUS], capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def lexical(clauses, wordings, limit):
    """A baseline that is not joubun's search: clauses holding every word of the query or of one of its
    other wordings (queries.tsv, written from the query's meaning) as a substring. When more match than
    `limit`, an evenly spaced sample in document order, so that every part of the corpus is pooled."""
    def holds(clause, wording):
        text = normalise(clause_text(clause)).casefold()
        return all(normalise(w).casefold() in text for w in wording.split())
    found = [c for c in clauses if any(holds(c, w) for w in wordings)]
    if len(found) <= limit:
        return found, len(found)
    return [found[i * len(found) // limit] for i in range(limit)], len(found)


def pool(args):
    sources, top, depth = [], 20, 20
    while args:
        arg = args.pop(0)
        if arg in ("--top", "--lexical"):
            if not args or not args[0].isdigit():
                sys.exit(f"relevance: {arg} takes a number")
            if arg == "--top":
                top = int(args.pop(0))
            else:
                depth = int(args.pop(0))
        else:
            sources.append((arg, top))
    if not sources:
        sys.exit(__doc__)
    newest = sources[-1][0]
    clauses = parse(newest)
    newest_ids = {}
    for clause in clauses:
        newest_ids.setdefault(key(clause), clause["id"])
    print("query_id\tquery\tkey\tclause_id\ttext")
    for qid, query, wordings in queries_with_wordings():
        pooled, counts = {}, []
        # Oldest first, so a clause keeps the id and text of the newest binary that returned it.
        for binary, limit in sources:
            hits = search(binary, query, limit)
            counts.append(str(len(hits)))
            for hit in hits:
                pooled[key(hit)] = hit
                if binary == newest and key(hit) not in newest_ids:
                    print(f"relevance: {hit['id']} as searched differs from its parse", file=sys.stderr)
        baseline, matches = lexical(clauses, [query] + wordings, depth)
        for clause in baseline:
            pooled[key(clause)] = clause
        print(f"relevance: {qid} {query}: {' + '.join(counts)} hits, lexical {len(baseline)} of {matches}, "
              f"{len(pooled)} pooled", file=sys.stderr)
        for k in sorted(pooled):
            text = clause_text(pooled[k]).replace("\t", " ").replace("\n", " ")
            print(f"{qid}\t{query}\t{k}\t{newest_ids.get(k, pooled[k]['id'])}\t{text}")


def split(pool_file, parts, folder):
    """Whole queries per file, largest first into the smallest file, so the files come out about equal."""
    by_query = {}
    for line in open(pool_file, encoding="utf-8").read().splitlines()[1:]:
        qid, query, k, _, text = line.split("\t")
        by_query.setdefault(qid, []).append(f"{qid}\t{query}\t{k}\t{text}")
    files = [[] for _ in range(parts)]
    for qid in sorted(by_query, key=lambda q: -len(by_query[q])):
        min(files, key=len).extend(by_query[qid])
    for n, rows in enumerate(files, 1):
        rows.sort()
        with open(os.path.join(folder, f"grade-{n}.tsv"), "w", encoding="utf-8") as out:
            out.write("query_id\tquery\tkey\ttext\n" + "".join(row + "\n" for row in rows))
        shown = sorted({row.split("\t")[0] for row in rows})
        print(f"grade-{n}.tsv: {len(rows)} clauses, queries {' '.join(shown)}", file=sys.stderr)


def read_qrels(files):
    grades = {}
    for name in files:
        if not os.path.isfile(name):
            sys.exit(f"relevance: no grades in {name}: grade pool.tsv first (see README.md)")
        for n, line in enumerate(open(name, encoding="utf-8"), 1):
            if not line.strip() or line.startswith("#") or line.startswith("query_id"):
                continue
            fields = line.rstrip("\n").split("\t")
            # A clause id in the key column is a grade of the old scheme: it would silently match nothing.
            if len(fields) < 3 or fields[2].strip() not in ("0", "1", "2") or not KEY.fullmatch(fields[1]):
                sys.exit(f"relevance: {name}:{n}: expected query_id, 12-hex-digit key, grade 0/1/2: "
                         f"{line.strip()!r}")
            grades.setdefault(fields[0], {})[fields[1]] = int(fields[2])
    return grades


def dcg(gains):
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))


def score(binary, qrels):
    grades = read_qrels(qrels or [os.path.join(HERE, "qrels.tsv")])
    # How many of this binary's clauses share each text: identical boilerplate in two documents is two
    # answers, so the ideal ranking holds it twice too and nDCG stays at most 1.
    own = {}
    for clause in parse(binary):
        own[key(clause)] = own.get(key(clause), 0) + 1
    totals, n = [0.0] * 5, 0
    for qid, query in queries():
        judged = grades.get(qid, {})
        ranked = [key(hit) for hit in search(binary, query, SCORE_DEPTH)]
        gains = [judged.get(k, 0) for k in ranked]
        relevant = {k for k, g in judged.items() if g > 0}
        if not relevant:
            print(f"{qid}\t{query}\tno clause judged relevant: left out of the means ({len(ranked)} hits)")
            continue
        ideal = sorted((g for k, g in judged.items() for _ in range(max(1, own.get(k, 0)))), reverse=True)
        ndcg = dcg(gains) / dcg(ideal)
        p10 = sum(1 for g in gains[:10] if g > 0) / 10
        recall = len(relevant & set(ranked)) / len(relevant)
        # Clauses this binary's segmentation never makes cannot be found by it: recall among the rest
        # separates search from segmentation.
        reachable = relevant & own.keys()
        recall_own = len(reachable & set(ranked)) / len(reachable) if reachable else 0.0
        unjudged = sum(1 for k in ranked[:10] if k not in judged)
        print(f"{qid}\t{query}\tnDCG@10 {ndcg:.2f}\tP@10 {p10:.2f}\trecall@50 {recall:.0%} of {len(relevant)}"
              f"\t(own clauses {recall_own:.0%} of {len(reachable)})\tunjudged@10 {unjudged}")
        totals = [t + v for t, v in zip(totals, (ndcg, p10, recall, recall_own, unjudged))]
        n += 1
    if n:
        m = [t / n for t in totals]
        print(f"mean of {n}\tnDCG@10 {m[0]:.2f}\tP@10 {m[1]:.2f}\trecall@50 {m[2]:.0%}"
              f"\t(own clauses {m[3]:.0%})\tunjudged@10 {m[4]:.1f}")


if __name__ == "__main__":
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "pool":
        pool(args)
    elif command == "split" and len(args) == 3 and args[1].isdigit():
        split(args[0], int(args[1]), args[2])
    elif command == "score" and args and (len(args) == 1 or args[1] == "--qrels"):
        score(args[0], args[2:])
    else:
        sys.exit(__doc__)
