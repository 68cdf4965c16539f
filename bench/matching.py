"""Matching benchmark: the engine against baselines on worlds from generate_fair.

    .venv/bin/python bench/matching.py                      # small world (300 exhibitors / 1,500 buyers)
    .venv/bin/python bench/matching.py --sizes small,large  # and 5,000 / 50,000 (~1,000,000 interactions)
    .venv/bin/python bench/matching.py --seeds 1,2,3,4,5 --laws 1,2 --dir /tmp/mw  # the grid (issue 17)

Prints, per world and per method: ndcg@k, recall@k, cold-start ndcg@k, coverage, fit time and
rank time p50/p99 (one buyer, every exhibitor). Methods: the engine, random, popularity,
HS-category match and LightFM with user and item features (when the optional `lightfm`
package is installed; it is never a dependency of the app). Every method is measured by
the same loop (matching.evaluation.evaluate) and never sees test.csv.

The grid prints, per size and world law, the engine's mean ndcg and its mean and worst ratio to
LightFM and to the HS-category baseline over the seeds. Law 2 (generate_fair --law 2) is written
from assumptions the engine was never tuned on.

LightFM: `pip install --no-deps rectools-lightfm==1.17.3` (a maintained build of LightFM 1.17 with
wheels; it installs the same `lightfm` module) into .venv. Or: LightFM 1.17's setup.py fails under
pip's build isolation (`__builtins__.__LIGHTFM_SETUP__`);
build its wheel from the sdist with that line changed to `builtins.__LIGHTFM_SETUP__ = True`
(`pip wheel --no-build-isolation --no-deps .` in a venv with setuptools, wheel, numpy, scipy)
and `pip install --no-deps` the wheel into .venv.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from fair.dataset import read_folder  # noqa: E402
from matching.engine import KIND_WEIGHTS  # noqa: E402
from matching.evaluation import EngineRanker, evaluate  # noqa: E402

SIZES = {"small": (300, 1_500), "large": (5_000, 50_000)}


class _Base:
    def fit(self, exhibitors, buyers, interactions):
        self.ids = np.array([e.exhibitor_id for e in exhibitors], dtype=object)
        self.pos = {e: i for i, e in enumerate(self.ids)}
        self.buyers = {b.buyer_id: b for b in buyers}
        self.pop = np.zeros(len(exhibitors))
        for row in interactions:
            self.pop[self.pos[row.exhibitor_id]] += KIND_WEIGHTS[row.kind]
        self.exhibitors = exhibitors

    def _top(self, scores, k, exclude):
        scores = scores.astype(float).copy()
        for e in exclude:
            scores[self.pos[e]] = -np.inf
        top = np.argpartition(-scores, k - 1)[:k]
        return list(self.ids[top[np.argsort(-scores[top], kind="stable")]])


class RandomRanker(_Base):
    name = "random"

    def __init__(self, seed=0):
        self.rng = np.random.default_rng(seed)

    def rank(self, buyer_id, k, exclude):
        return self._top(self.rng.random(len(self.ids)), k, exclude)


class PopularityRanker(_Base):
    name = "popularity"

    def rank(self, buyer_id, k, exclude):
        return self._top(self.pop, k, exclude)


class HSCategoryRanker(_Base):
    """Exhibitors selling what the buyer sources, deepest HS match first, popularity breaks ties."""

    name = "hs-category"

    def fit(self, exhibitors, buyers, interactions):
        super().fit(exhibitors, buyers, interactions)
        # prefix of length 2/4/6 -> exhibitors with a code that long sharing it (hs_match_depth semantics)
        self.by_prefix = {2: {}, 4: {}, 6: {}}
        for i, e in enumerate(exhibitors):
            for code in e.hs_codes:
                for n in (2, 4, 6):
                    if len(code) >= n:
                        self.by_prefix[n].setdefault(code[:n], set()).add(i)
        for d in self.by_prefix.values():
            d.update((prefix, np.fromiter(found, int)) for prefix, found in list(d.items()))
        self.tiebreak = self.pop / max(self.pop.max(), 1.0)

    def rank(self, buyer_id, k, exclude):
        depth = np.zeros(len(self.ids))
        for code in self.buyers[buyer_id].hs_codes:
            for n in (2, 4, 6):
                idx = self.by_prefix[n].get(code[:n]) if len(code) >= n else None
                if idx is not None:
                    depth[idx] = np.maximum(depth[idx], n)
        return self._top(depth + self.tiebreak, k, exclude)


class LightFMRanker(_Base):
    """LightFM (WARP) with user features (country, HS chapters/headings, certifications, languages)
    and item features (HS chapters/headings, target markets, certifications, languages)."""

    name = "lightfm"

    def __init__(self, epochs=20, components=48, threads=2, seed=0):
        self.epochs, self.components, self.threads, self.seed = epochs, components, threads, seed

    @staticmethod
    def _hs_tags(codes):
        return {f"ch:{c[:2]}" for c in codes} | {f"hd:{c[:4]}" for c in codes if len(c) >= 4}

    def fit(self, exhibitors, buyers, interactions):
        from lightfm import LightFM
        from lightfm.data import Dataset as LFMDataset

        super().fit(exhibitors, buyers, interactions)
        u_feats = {
            b.buyer_id: sorted(
                self._hs_tags(b.hs_codes)
                | {f"co:{b.country}"}
                | {f"cert:{c}" for c in b.required_certifications}
                | {f"lang:{lang}" for lang in b.languages}
            )
            for b in buyers
        }
        i_feats = {
            e.exhibitor_id: sorted(
                self._hs_tags(e.hs_codes)
                | {f"tm:{c}" for c in e.target_markets}
                | {f"cert:{c}" for c in e.certifications}
                | {f"lang:{lang}" for lang in e.languages}
            )
            for e in exhibitors
        }
        ds = LFMDataset()
        ds.fit(
            users=list(u_feats),
            items=list(i_feats),
            user_features={f for fs in u_feats.values() for f in fs},
            item_features={f for fs in i_feats.values() for f in fs},
        )
        weights: dict[tuple[str, str], float] = {}
        for row in interactions:
            key = (row.buyer_id, row.exhibitor_id)
            weights[key] = weights.get(key, 0.0) + KIND_WEIGHTS[row.kind]
        inter, w = ds.build_interactions((b, e, float(np.log1p(v))) for (b, e), v in weights.items())
        self.uf = ds.build_user_features(u_feats.items())
        self.itf = ds.build_item_features(i_feats.items())
        self.umap, _, self.imap, _ = ds.mapping()
        self.model = LightFM(loss="warp", no_components=self.components, random_state=self.seed)
        self.model.fit(
            inter,
            sample_weight=w,
            user_features=self.uf,
            item_features=self.itf,
            epochs=self.epochs,
            num_threads=self.threads,
        )
        # Item representations once, so ranking one buyer is a matrix-vector product.
        self.i_bias, self.i_emb = self.model.get_item_representations(self.itf)
        self.u_bias, self.u_emb = self.model.get_user_representations(self.uf)
        order = np.array([self.imap[e] for e in self.ids])
        self.i_bias, self.i_emb = self.i_bias[order], self.i_emb[order]

    def rank(self, buyer_id, k, exclude):
        u = self.umap[buyer_id]
        return self._top(self.i_emb @ self.u_emb[u] + self.i_bias, k, exclude)


def world(size: str, root: Path, seed: int, law: int = 1) -> Path:
    n_ex, n_b = SIZES[size]
    folder = root / f"{size}-{n_ex}x{n_b}-law{law}-seed{seed}"
    if not (folder / "test.csv").exists():
        call_command(
            "generate_fair", str(folder), exhibitors=n_ex, buyers=n_b, seed=seed, law=law, no_progress=True
        )
    return folder


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def summary(rows, k: int) -> list[str]:
    """Per (size, law): the engine's ndcg and cold-start ndcg as a ratio to each baseline, mean and worst."""
    out = [
        f"| world | seeds | engine ndcg@{k} (mean) | vs lightfm mean / worst | vs hs-category mean / worst "
        f"| engine cold ndcg@{k} (mean) | cold vs lightfm mean / worst | cold vs hs-category mean / worst "
        "| fit s max (CPU s) | rank ms p99 max (CPU) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[str, int], dict[int, dict[str, dict]]] = {}
    for size, law, seed, method, r in rows:
        groups.setdefault((size, law), {}).setdefault(seed, {})[method] = r
    for (size, law), by_seed in sorted(groups.items()):
        engine = [m["engine"] for m in by_seed.values() if "engine" in m]
        if not engine:
            continue

        def top(key, engine=engine):
            return max(r[key] for r in engine)

        def ratios(base, key, by_seed=by_seed):
            vals = [
                m["engine"][key] / m[base][key] for m in by_seed.values() if base in m and m[base][key] > 0
            ]
            return f"{np.mean(vals):.2f} / {min(vals):.2f}" if vals else "–"

        out.append(
            f"| {size} law {law} | {len(by_seed)} | {np.mean([r['ndcg_at_k'] for r in engine]):.4f} "
            f"| {ratios('lightfm', 'ndcg_at_k')} | {ratios('hs-category', 'ndcg_at_k')} "
            f"| {np.mean([r['cold_start_ndcg_at_k'] for r in engine]):.4f} "
            f"| {ratios('lightfm', 'cold_start_ndcg_at_k')} "
            f"| {ratios('hs-category', 'cold_start_ndcg_at_k')} "
            f"| {top('fit_seconds'):.1f} ({top('fit_cpu_seconds'):.1f}) "
            f"| {top('rank_ms_p99'):.2f} ({top('rank_cpu_ms_p99'):.2f}) |"
        )
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small", help="comma-separated: small, large")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seeds", default="1", help="comma-separated world seeds, e.g. 1,2,3,4,5")
    parser.add_argument("--laws", default="1", help="comma-separated world laws (generate_fair --law): 1,2")
    parser.add_argument("--seed", type=int, default=None, help="one seed (the same as --seeds N)")
    parser.add_argument("--dir", default=None, help="where worlds are generated (reused when present)")
    parser.add_argument("--methods", default="engine,random,popularity,hs-category,lightfm")
    parser.add_argument("--lightfm-epochs", type=int, default=20)
    parser.add_argument("--json-out", default=None, help="append every result as a JSON line to this file")
    args = parser.parse_args(argv)
    seeds = [args.seed] if args.seed is not None else _ints(args.seeds)
    root = Path(args.dir or tempfile.mkdtemp(prefix="tradefair-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        import lightfm  # noqa: F401

        have_lightfm = True
    except ImportError:
        have_lightfm = False
    rows = []
    for size in args.sizes.split(","):
        for law in _ints(args.laws):
            for seed in seeds:
                folder = world(size, root, seed, law)
                dataset = read_folder(folder, include_test=True, progress=True)
                print(
                    f"\n{size} law {law} seed {seed}: {len(dataset.exhibitors)} exhibitors, "
                    f"{len(dataset.buyers)} buyers, {len(dataset.interactions)} interactions, "
                    f"{len(dataset.test)} test pairs",
                    file=sys.stderr,
                )
                makers = {
                    "engine": lambda seed=seed: EngineRanker(seed=seed, progress=False),
                    "random": lambda seed=seed: RandomRanker(seed),
                    "popularity": PopularityRanker,
                    "hs-category": HSCategoryRanker,
                    "lightfm": lambda seed=seed: LightFMRanker(epochs=args.lightfm_epochs, seed=seed),
                }
                for method in args.methods.split(","):
                    if method == "lightfm" and not have_lightfm:
                        print("lightfm: not installed, skipped (see the module docstring)", file=sys.stderr)
                        continue
                    result = evaluate(dataset, makers[method](), k=args.k, progress=False)
                    rows.append((size, law, seed, method, result))
                    print(f"{size} law {law} seed {seed} {method}: {result}", file=sys.stderr, flush=True)
                    if args.json_out:
                        with open(args.json_out, "a", encoding="utf-8") as f:
                            record = {"size": size, "law": law, "seed": seed, "method": method, **result}
                            f.write(json.dumps(record) + "\n")
                del dataset
    k = args.k
    header = (
        f"| world | method | ndcg@{k} | recall@{k} | cold-start ndcg@{k} | coverage | fit s "
        "| rank ms p50 | rank ms p99 | rank CPU ms p99 |"
    )
    print(header)
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size, law, seed, method, r in rows:
        print(
            f"| {size} law {law} seed {seed} | {method} | {r['ndcg_at_k']:.4f} | {r['recall_at_k']:.4f} | "
            f"{r['cold_start_ndcg_at_k']:.4f} | {r['coverage']:.3f} | {r['fit_seconds']:.1f} | "
            f"{r['rank_ms_p50']:.2f} | {r['rank_ms_p99']:.2f} | {r['rank_cpu_ms_p99']:.2f} |"
        )
    print()
    print("\n".join(summary(rows, k)))


if __name__ == "__main__":
    main()
