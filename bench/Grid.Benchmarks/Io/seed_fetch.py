"""The seed's I/O pattern, for the side-by-side: ThreadPoolExecutor(max_workers) over N GETs with urllib (standard library only).

usage: python3 seed_fetch.py BASE_URL COUNT WORKERS  -> prints "SECONDS ok failed"
"""
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, len(response.read())


def main():
    base, count, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    urls = [f"{base}/item/{i}" for i in range(count)]
    start = time.perf_counter()
    ok = failed = 0
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = [executor.submit(fetch, url) for url in urls]
        for future in as_completed(futures):
            try:
                status, _ = future.result()
                ok += status == 200
                failed += status != 200
            except Exception:  # noqa: BLE001 - every failure counts the same here
                failed += 1
    print(f"{time.perf_counter() - start:.3f} {ok} {failed}")


if __name__ == "__main__":
    main()
