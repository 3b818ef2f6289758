"""Run the emulator in the foreground: ``python -m tests.emulator --port 8765``."""

from __future__ import annotations

import argparse
import time

from .service import Emulator


def main() -> None:
    parser = argparse.ArgumentParser(description="A local DashScope emulator for trying the pack offline.")
    parser.add_argument("--port", type=int, default=8765, help="API port; storage and results use the next two")
    parser.add_argument("--key", default=None, help="accept only this API key (default: any non-empty key)")
    parser.add_argument("--task-seconds", type=float, default=2.0, help="how long each task runs")
    parser.add_argument("--retire", action="store_true", help="answer for retired models as today's service does")
    parser.add_argument(
        "--lenient", action="store_true", help="accept fields the official pages do not document (no strict mode)"
    )
    parser.add_argument("--no-limits", action="store_true", help="do not enforce per-model rate and concurrency limits")
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="MODEL=QPS:CONCURRENCY",
        help="raise a model's limits, as a bigger quota would",
    )
    parser.add_argument(
        "--slow-upload", type=float, default=0.0, metavar="SECONDS", help="the storage host takes this long per upload"
    )
    parser.add_argument(
        "--slow-download",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="the result host trickles each download over this long",
    )
    parser.add_argument(
        "--clock-offset",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="the service's clock runs this far ahead of this machine's (negative: behind), as with a PC clock off",
    )
    parser.add_argument(
        "--region",
        choices=("china", "singapore"),
        default="china",
        help="act as this region's service: outside China (Beijing) temporary uploads are refused",
    )
    parser.add_argument(
        "--drop-after-create",
        type=int,
        default=0,
        metavar="N",
        help="reset the connection after each of the next N paid requests was accepted (the task exists)",
    )
    args = parser.parse_args()
    emu = Emulator(
        api_key=args.key,
        task_seconds=args.task_seconds,
        enforce_limits=not args.no_limits,
        serve_retired=not args.retire,
        strict=not args.lenient,
        ports=(args.port, args.port + 1, args.port + 2),
        clock_offset=args.clock_offset,
        region=args.region,
    ).start()
    if args.drop_after_create:
        emu.faults.submit_drop_after_create(args.drop_after_create)
    if args.slow_upload:
        emu.faults.slow_uploads(10**9, args.slow_upload)
    if args.slow_download:
        emu.faults.slow_downloads(10**9, args.slow_download)
    for item in args.limit:
        model, _, numbers = item.partition("=")
        qps, _, concurrency = numbers.partition(":")
        emu.set_limits(model, qps=float(qps), concurrency=int(concurrency))
    print(f"DashScope emulator at {emu.base_url}", flush=True)
    print(f"export DASHSCOPE_BASE_URL={emu.base_url}")
    print("export DASHSCOPE_API_KEY=sk-anything   # any non-empty key" if args.key is None else "", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emu.stop()


if __name__ == "__main__":
    main()
