# The pipeline board.
pipeline-title = Pipeline
pipeline-loading = Lecture des affaires…
pipeline-help = Faites glisser une affaire vers une autre étape, ou sélectionnez-la et utilisez les flèches gauche et droite, ou son menu « Déplacer vers… ».
pipeline-stage-empty = Aucune affaire à cette étape.
pipeline-other-currencies = En plus, dans d'autres devises :
pipeline-expected-close = Signature prévue le { $date }
pipeline-move-to = Déplacer vers…
pipeline-move-deal = Déplacer « { $deal } » vers une autre étape
pipeline-moved = « { $deal } » déplacée vers { $stage }.
