"""What verify runs: the builds (build), the model runners (explorer) and the tsan build's ctest
labels (ctest, reading ctest's own JUnit output through junit and keeping what the reports need of
each test's output through output)."""
