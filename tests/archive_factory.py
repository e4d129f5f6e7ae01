"""A generated archive for the tests: several years of numbered issues made from the reference issues."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from conftest import ISSUES, ROOT

SOURCES = [ISSUES / "2018" / "2018-06.yaml", ISSUES / "2018" / "2018-10.yaml"]
TOPICS = ["民营经济", "商会建设", "乡村振兴", "营商环境", "光彩事业", "人才工作", "数字经济", "对口帮扶"]


def make_archive(root: Path, years: dict[int, int], first_serial: int = 101) -> list[Path]:
    """Write root/publication.yaml and root/issues/YYYY/YYYY-NN.yaml: `years` maps a year to its number of
    issues; 总第N期 runs on from `first_serial`. Each issue is a reference issue with its own numbers, date
    and a topic in every title, so that searches can tell them apart."""
    root.mkdir(parents=True, exist_ok=True)
    shared = (ROOT / "publication.yaml").read_text(encoding="utf-8")  # but for where the samples' series starts
    (root / "publication.yaml").write_text(re.sub(r"(?m)^series:\n(?:  .*\n)*", "", shared), encoding="utf-8")
    serial, paths = first_serial, []
    for year, count in sorted(years.items()):
        for number in range(1, count + 1):
            data = yaml.safe_load(SOURCES[(serial + number) % 2].read_text(encoding="utf-8"))
            topic = TOPICS[(serial + number) % len(TOPICS)]
            data.update(year=year, number=number, serial=serial,
                        date=dt.date(year, 1 + (number - 1) * 12 // count, 5 + number % 20))
            for article in data["articles"]:
                article["title"] = f"{topic}：{article['title']}"
                article.pop("toc_title", None)
            path = root / "issues" / str(year) / f"{year}-{number:02d}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            paths.append(path)
            serial += 1
    return paths
