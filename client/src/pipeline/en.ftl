# The pipeline board.
pipeline-title = Pipeline
pipeline-loading = Reading the deals…
pipeline-help = Drag a deal onto another stage, or focus it and use the left and right arrow keys, or its “Move to…” menu.
pipeline-stage-empty = No deal at this stage.
pipeline-other-currencies = Also, in other currencies:
pipeline-expected-close = Closes { $date }
pipeline-move-to = Move to…
pipeline-move-deal = Move “{ $deal }” to another stage
pipeline-moved = “{ $deal }” moved to { $stage }.
