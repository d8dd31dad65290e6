# Python's multiprocessing.Pool over trivial items, the side-by-side figure of Grid's isolation benchmark.
# Usage: pool_overhead.py ITEMS WORKERS CHUNKSIZE  ->  prints "SECONDS US_PER_ITEM"
import sys, time
from multiprocessing import Pool


def add_one(x):
    return x + 1


if __name__ == "__main__":
    items, workers, chunksize = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    with Pool(workers) as pool:
        pool.map(add_one, range(1000), chunksize=1)  # warm: every worker started
        start = time.perf_counter()
        results = pool.map(add_one, range(items), chunksize=chunksize)
        wall = time.perf_counter() - start
    assert results[-1] == items
    print(f"{wall:.6f} {wall * 1e6 / items:.3f}")
