// The benchmark driver; see scripts/bench.
print("edge-bench: nothing to measure yet")
