"""``python -m orchestration.web``: the sign-up service and the site, under uvicorn
(``make site``). Any ASGI server can run ``orchestration.web.app:create_app``
(a factory: ``uvicorn --factory``)."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from orchestration.lib.common.settings import settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    arguments = parser.parse_args()
    if not (settings().site / "index.html").is_file():
        sys.exit(f"No site yet in {settings().site}: run 'make run' first.")
    uvicorn.run(
        "orchestration.web.app:create_app",
        factory=True,
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers,
    )


if __name__ == "__main__":
    main()
