"""The load test's targets and its printed report (bench/load.py runs it, then prints this)."""

from __future__ import annotations

import os

from bench.common import table

TARGET_SUBMISSIONS_PER_S = 100
TARGET_P95_MS = 500


def print_result(res: dict) -> None:
    body = [[r["name"], r["requests"], r["failures"], r["median_ms"], r["p95_ms"], r["rps"]] for r in res["endpoints"]]
    print(table(["endpoint", "requests", "failures", "median ms", "p95 ms", "req/s"], body))
    rows = res["rows"]
    print(
        f"submissions: {res['submissions']} in {res['run_time_s']:.0f} s = {res['submissions_per_s']}/s "
        f"(target {TARGET_SUBMISSIONS_PER_S}/s); p95 of all requests {res['all_p95_ms']} ms "
        f"(target < {TARGET_P95_MS}); errors {res['errors']}"
    )
    print(
        f"rows: {rows['reports_in_db']} reports for the week {rows['by_status']}; lost {rows['lost']}, "
        f"duplicates {rows['duplicates']}, submitted without acknowledgement {rows['submitted_without_ack']}"
    )
    print(f"the week held {res['week_reports_before']} reports when the run began")
    print(
        f"copy-paste checks: {res['copy_paste_checks']} in the worker, median {res['check_median_ms']} ms, "
        f"p95 {res['check_p95_ms']} ms, reports compared per check median {res['check_compared_median']} "
        f"max {res['check_compared_max']}, flags {res['flags_raised']}; "
        f"queue empty {res['queue_drained_after_s']} s after locust stopped"
    )
    cpu = res["cpu_ms_per_submission"]
    print(
        "CPU per submission (ms): "
        + ", ".join(
            f"{k} {cpu[k]}"
            for k in (
                "gunicorn",
                "worker",
                "locust",
                "postgresql",
                "postgresql_web",
                "postgresql_check",
                "redis",
                "interrupts",
                "steal",
                "postgresql_and_rest",
                "machine",
            )
            if k in cpu
        )
        + f" — the machine has {os.cpu_count()} cores = {os.cpu_count() * 1000} CPU-ms per second"
    )
    floor = res.get("floor")
    if floor:
        print(
            f"floor (bench/floor.py, same load, gunicorn and database): {floor['submissions_per_s']}/s, "
            f"p95 {floor['all_p95_ms']} ms, errors {floor['errors']}, lost {floor['lost']}, CPU per submission "
            f"gunicorn {floor['cpu_ms_per_submission']['gunicorn']} ms, machine "
            f"{floor['cpu_ms_per_submission']['machine']} ms; "
            f"the product's rate is {res['floor_ratio']:.1%} of the floor's"
        )
    print("target met" if res["meets_target"] else "TARGET MISSED")
