"""The steps of the monthly analysis, each a pure function: frames and scalars in, a StepResult out."""
