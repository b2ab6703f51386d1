from __future__ import annotations

from typing import Any

from .seed import ensure_base_data


def load(stdout: Any) -> None:
    ensure_base_data()
    stdout.write("基础数据：服务项目、行业、行政区划、地区投保规则")
