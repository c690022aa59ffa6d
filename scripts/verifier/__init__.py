"""scripts/verify's package: are the emitter's fixes proven, and can every checker fail?

scripts/verify is its entry (cli.main). The modules, by concern:

  cli, live, from_results   the command line; the live run (stages 1-5) and the run from results
                            collected earlier, which meet in cli.finish with their Results
                            (results)
  matrix                    matrix/variants.json: the variants, their roles and the mutation gate
  stages/                   what runs: build, explorer (the model runners), ctest (the tsan build),
                            relacy (dc_relacy, when a Relacy checkout is configured)
  judging/                  what the results mean: models, tsan (and agreement: a replay of the
                            explorer's counterexample under TSan, agreeing or not), static, relacy, the
                            rows (variants), the verdict and its exit status
  mutation/                 fix necessity: the mutants (mutants) and the gate that counts them
  console, progress         what a person reads on the terminal
  failures                  why a failed test failed, in its own words (GoogleTest's failure
                            blocks, the checkers' FAIL lines), for the console and junit.xml
  reports/                  verify.json, junit.xml, verify.sarif, index.html
  paths, text, patterns,    small shared helpers: where the sources are, wording, what the tools
  tsan_tools, process       print, tsan/'s Python helpers, running a logged command
"""
