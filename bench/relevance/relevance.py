#!/usr/bin/env python3
"""Relevance of `joubun search` on the Japanese development set, from graded judgments.

  relevance.py pool  BINARY... > pool.tsv     clauses to grade: the top POOL of each binary, per query,
                                              sorted by id (no ranking shown), with their text
  relevance.py score BINARY                   nDCG@10, P@10 and recall@50 against qrels.tsv

qrels.tsv: query id, clause id, grade (0 not relevant, 1 partly: names the topic, 2 answers it), tab
separated, written by a reader who saw the query and the clause text only. Every binary searches the
same index (JOUBUN_RELEVANCE_INDEX, default /tmp/joubun-relevance-index) of ../shared/devset/ja, built
by the first binary when missing. Unjudged clauses count as not relevant.
"""
import json, math, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "..", "shared", "devset", "ja")
INDEX = os.environ.get("JOUBUN_RELEVANCE_INDEX", "/tmp/joubun-relevance-index")
POOL = 20


def queries():
    for line in open(os.path.join(HERE, "queries.tsv"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            qid, text = line.rstrip("\n").split("\t")
            yield qid, text


def run(binary, query, limit):
    if not os.path.isdir(INDEX):
        subprocess.run([binary, "index", CORPUS, "--index", INDEX], check=True, stderr=subprocess.DEVNULL)
    out = subprocess.run(
        [binary, "search", query, "--json", "--limit", str(limit), "--index", INDEX],
        capture_output=True, text=True)
    hits = []
    for line in out.stdout.splitlines():
        record = json.loads(line)
        if "summary" not in record:
            hits.append(record)
    return hits


def pool(binaries):
    print("query_id\tquery\tclause_id\ttext")
    for qid, text in queries():
        seen = {}
        for binary in binaries:
            for hit in run(binary, text, POOL):
                seen[hit["id"]] = hit
        for cid in sorted(seen):
            hit = seen[cid]
            clause = (hit.get("heading") or "") + " / " + hit["text"]
            print(f"{qid}\t{text}\t{cid}\t{clause.replace(chr(9), ' ').replace(chr(10), ' ')}")


def score(binary):
    grades = {}
    for line in open(os.path.join(HERE, "qrels.tsv"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            qid, cid, grade = line.rstrip("\n").split("\t")[:3]
            grades.setdefault(qid, {})[cid] = int(grade)
    totals = [0.0, 0.0, 0.0]
    n = 0
    for qid, text in queries():
        judged = grades.get(qid, {})
        ranked = [h["id"] for h in run(binary, text, 50)]
        gains = [judged.get(cid, 0) for cid in ranked]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:10]))
        ideal = sorted(judged.values(), reverse=True)[:10]
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        relevant = {cid for cid, g in judged.items() if g > 0}
        if not relevant:
            print(f"{qid}\t{text}\tno clause judged relevant: left out of the means ({len(ranked)} hits)")
            continue
        ndcg = dcg / idcg if idcg else 0.0
        p10 = sum(1 for g in gains[:10] if g > 0) / 10
        recall = len(relevant & set(ranked[:50])) / len(relevant) if relevant else 0.0
        print(f"{qid}\t{text}\tnDCG@10 {ndcg:.2f}\tP@10 {p10:.2f}\trecall@50 {recall:.0%}")
        totals = [totals[0] + ndcg, totals[1] + p10, totals[2] + recall]
        n += 1
    print(f"mean of {n}\tnDCG@10 {totals[0] / n:.2f}\tP@10 {totals[1] / n:.2f}\trecall@50 {totals[2] / n:.0%}")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("pool", "score"):
        sys.exit(__doc__)
    pool(sys.argv[2:]) if sys.argv[1] == "pool" else score(sys.argv[2])
