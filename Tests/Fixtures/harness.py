"""The few lines every end-to-end test script here shares: register tests, run them, report.

Each script prints one line per test and closes with 'N passed, N failed'; it exits non-zero on
any failure.
"""
import sys, traceback

TESTS = []


def test(function):
    TESTS.append(function)
    return function


def main():
    passed = failed = 0
    for function in TESTS:
        try:
            function()
            passed += 1
            print(f"ok   {function.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {function.__name__}", flush=True)
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
