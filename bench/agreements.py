"""Benchmark of the agreements' PDFs and of the last signature, which renders the final PDF while it
holds the agreement's row lock (agreements/services.py).

    .venv/bin/python bench/agreements.py [--runs 10 --articles 12] [--database-url postgres://...]

Prints, each as p50 / p95 over ``--runs``:
- baseline: WeasyPrint rendering a one-line Latin page (what any PDF costs here);
- the final PDF of a Korean/Chinese MOU with ``--articles`` articles a side and three signatories
  (both CJK fonts subset and embedded), and its ratio to the baseline;
- the last signature end to end (code check, freeze, final PDF, storage, events): how long the row
  lock keeps the other signers of the same agreement waiting.

Without --database-url it migrates a throw-away SQLite file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-agreements-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.core.management import call_command
    from weasyprint import HTML

    from agreements import pdf, services
    from agreements.models import SigningCode
    from tests import factories

    call_command("migrate", verbosity=0)
    baseline = []
    for _ in range(args.runs):
        started = time.perf_counter()
        HTML(string="<p>Hello</p>").write_pdf()
        baseline.append(time.perf_counter() - started)

    fair = factories.fair()
    org = factories.participant(fair, "organizer").user
    people = []
    for name, country in (
        ("Seoul Glow Co.", "KR"),
        ("Busan Ocean Foods", "KR"),
        ("上海美妆贸易有限公司", "CN"),
    ):
        booth = factories.booth(fair, company_obj=factories.company(name=name, country=country))
        staff = factories.staff(booth)
        EmailAddress.objects.create(user=staff.user, email=staff.user.email, verified=True, primary=True)
        people.append(staff)
    ko = "\n\n".join(
        f"제{i}조 본 양해각서의 당사자는 화장품 수출 협력을 위하여 성실히 협의한다."
        for i in range(1, args.articles + 1)
    )
    zh = "\n\n".join(
        f"第{i}条 本谅解备忘录各方应为化妆品出口合作进行诚信协商。" for i in range(1, args.articles + 1)
    )

    def draft():
        return services.agreement_draft(
            actor=org,
            fair=fair,
            kind="mou",
            title="양해각서 / 谅解备忘录",
            language="ko",
            second_language="zh-hans",
            text=ko,
            second_text=zh,
            signatories=[(p, "") for p in people],
        )

    def sign(agreement, participant):
        signatory = agreement.signatories.get(user=participant.user)
        services.code_send(actor=participant.user, signatory=signatory)
        # The bench reads no mail: it gives the code a known value, as the mail would carry it.
        SigningCode.objects.filter(signatory=signatory, used_at__isnull=True).update(
            code_hash=services._code_hmac(signatory.pk, signatory.agreement.versions.get().pk, "123456")
        )
        started = time.perf_counter()
        services.agreement_sign(actor=participant.user, signatory=signatory, code="123456")
        return time.perf_counter() - started

    rendering, last = [], []
    size = 0
    for _ in range(args.runs):
        agreement = draft()
        for participant in people[:-1]:
            sign(agreement, participant)
        last.append(sign(agreement, people[-1]))
        version = agreement.versions.get()
        started = time.perf_counter()
        data = pdf.final_pdf(agreement, version)
        rendering.append(time.perf_counter() - started)
        size = len(data)
    base = statistics.median(baseline)
    print(f"baseline (one Latin line): {_percentiles(baseline)}")
    print(
        f"final PDF, ko/zh MOU, {args.articles} articles a side, 3 signatories: {_percentiles(rendering)}, "
        f"{size / 1024:.0f} KiB, {statistics.median(rendering) / base:.1f} x baseline"
    )
    print(f"last signature (freeze, final PDF, storage; the row lock's hold): {_percentiles(last)}")


if __name__ == "__main__":
    main()
