"""Benchmarks whose pytest-benchmark output exercises the conversion: a plain test, parameters
(one id with a space, one ending in "-8", which the Go format would read as GOMAXPROCS), and
pedantic mode with several iterations per round."""

import pytest


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def test_fib(benchmark):
    assert benchmark(fib, 10) == 55


@pytest.mark.parametrize("data", [list(range(8, 0, -1)), list(range(64, 0, -1))], ids=["size-8", "size 64"])
def test_sort(benchmark, data):
    benchmark(sorted, data)


def test_join(benchmark):
    benchmark.pedantic(",".join, args=(["x"] * 100,), rounds=5, iterations=10)
