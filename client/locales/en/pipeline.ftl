# The pipeline board.
pipeline-title = Pipeline
