// Fuzz entry point for the HTTP parser; see scripts/fuzz.
print("FuzzHTTP: not built yet")
