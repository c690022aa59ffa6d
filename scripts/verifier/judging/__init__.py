"""What the results mean. Per checker, a variant's sub-result (models, tsan, static); the rows of
the matrix with their models and tests (variants); and the verdict with its exit status
(verdict)."""
