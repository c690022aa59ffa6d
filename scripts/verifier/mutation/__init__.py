"""Fix necessity (dc_model --mutate): the mutants over every model of a variant that met their
site (mutants), and the gate that counts those of the gated fix (gate): a survivor there is "fix
not shown necessary" and fails the run."""

NOT_SHOWN = "fix not shown necessary"
