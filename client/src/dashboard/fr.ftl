# Le tableau de bord du manager.
nav-dashboard = Tableau de bord
dashboard-title = Tableau de bord
dashboard-print = Imprimer
dashboard-loading = Calcul des chiffres…
problem-dashboard-figures = Les chiffres n’ont pas pu être calculés à partir des fiches de cet appareil.
dashboard-quarter = T{ $quarter } { $year }
dashboard-week = sem. { $week }
dashboard-someone = Quelqu’un
dashboard-team = Équipe { $team }
dashboard-unknown = Inconnu
dashboard-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}

dashboard-forecast = Prévision du { $quarter }
dashboard-forecast-won = Gagné
dashboard-forecast-weighted = Pipeline ouvert, pondéré
dashboard-forecast-total = Prévision
dashboard-revenue-year = Chiffre d’affaires de l’année
dashboard-forecast-undated = { $count ->
    [one] Une affaire ouverte n’a pas de date de clôture prévue et n’entre dans aucune prévision.
   *[other] { $count } affaires ouvertes n’ont pas de date de clôture prévue et n’entrent dans aucune prévision.
}

dashboard-pipeline = Pipeline ouvert par étape
dashboard-open-deals = { $count ->
    [one] Une affaire ouverte.
   *[other] { $count } affaires ouvertes.
}
dashboard-pipeline-in = Pipeline en { $currency } : brut et pondéré par la probabilité
dashboard-pipeline-by-rep-in = Pipeline par commercial en { $currency } : brut et pondéré
dashboard-pipeline-by-team-in = Pipeline par équipe en { $currency } : brut et pondéré (une personne de deux équipes compte dans les deux)
dashboard-team-header = Équipe
dashboard-stage = Étape
dashboard-stage-deals = { $stage } ({ $count })
dashboard-raw = Brut
dashboard-weighted = Pondéré

dashboard-outcomes = Affaires gagnées et perdues
dashboard-outcomes-chart = Affaires gagnées et perdues par mois
dashboard-outcomes-dated = Une affaire gagnée ou perdue compte dans le mois de sa date de clôture prévue.
dashboard-month = Mois
dashboard-won = Gagnées
dashboard-lost = Perdues

dashboard-revenue-title = Chiffre d’affaires de l’année (commandes confirmées et livrées, HT)
dashboard-revenue-none = Aucune commande cette année pour l’instant.
dashboard-revenue = Chiffre d’affaires
dashboard-by-region = Chiffre d’affaires par région
dashboard-region = Région
dashboard-by-industry = Chiffre d’affaires par secteur
dashboard-industry = Secteur
dashboard-by-departement = Chiffre d’affaires par département
dashboard-departement = Département

dashboard-conversion = Des devis aux commandes cette année
dashboard-offers-sent = Devis envoyés
dashboard-offers-converted = Devenus commandes
dashboard-conversion-rate = Transformation
dashboard-median-delay = Délai médian
dashboard-quoted = Devisé
dashboard-ordered = Commandé

dashboard-activity = Activité par commercial et par semaine
dashboard-activity-chart = Visites, appels et rendez-vous des quatre dernières semaines
dashboard-activity-none = Aucune visite, aucun appel ni rendez-vous ces quatre dernières semaines.
dashboard-rep-week = Commercial et semaine
dashboard-visits = Visites
dashboard-calls = Appels
dashboard-meetings = Rendez-vous

dashboard-rankings = Classements de l’année
dashboard-top-customers = Meilleurs clients
dashboard-customer = Client
dashboard-top-reps = Meilleurs commerciaux
dashboard-rep = Commercial
dashboard-top-products = Meilleurs produits
dashboard-product = Produit

dashboard-objectives = Objectifs
dashboard-objectives-none = Aucun objectif pour l’instant.
dashboard-objectives-by-managers = Les objectifs sont fixés par un manager ou un administrateur.
dashboard-my-objectives = Mes objectifs
dashboard-metric-revenue = Chiffre d’affaires
dashboard-metric-visits = Visites
dashboard-metric-new-customers = Nouveaux clients
dashboard-metric-quotes-sent = Devis envoyés
dashboard-objective-progress = { $achieved } sur { $target }
dashboard-objective-pace = au rythme : { $expected }
dashboard-on-track = Dans les temps
dashboard-behind = En retard
dashboard-objective-remove = Retirer
dashboard-objective-who = Pour
dashboard-objective-metric = Compte
dashboard-objective-period = Période
dashboard-objective-target = Cible (chiffre d’affaires en { $currency })
dashboard-objective-set = Fixer l’objectif
dashboard-objective-target-invalid = Saisissez une cible supérieure à zéro : un montant pour le chiffre d’affaires, un nombre entier sinon.
dashboard-objective-assignee-missing = Choisissez un commercial ou une équipe.

dashboard-win-back = Clients à reconquérir
dashboard-lost-this-year = { $count ->
    [one] Un client perdu cette année.
   *[other] { $count } clients perdus cette année.
}
dashboard-win-back-none = Aucun client n’est silencieux plus longtemps que d’habitude.
dashboard-win-back-more = …et { $count } de plus, moins en retard.
dashboard-silent = silencieux depuis { $days } jours (d’habitude { $usual } au plus), dernière commande le { $date }

dashboard-segments = Segments
dashboard-segments-here = Des filtres enregistrés, partagés avec l’équipe. Chacun compte les comptes de cet appareil : chaque commercial voit sa part.
dashboard-segments-none = Aucun segment pour l’instant.
dashboard-segments-by-managers = Les segments sont enregistrés par un manager ou un administrateur.
dashboard-segment-count = { $count ->
    [one] Un compte
   *[other] { $count } comptes
}
dashboard-segment-by = par { $name }
dashboard-segment-open = Ouvrir
dashboard-segment-close = Fermer
dashboard-segment-call-list = Liste d’appels (CSV)
dashboard-segment-remove = Supprimer
dashboard-segment-new = Nouveau segment
dashboard-segment-name = Nom
dashboard-segment-industries = Secteurs (séparés par des virgules)
dashboard-segment-industries-example = Boulangerie, Pâtisserie
dashboard-segment-departements = Départements (séparés par des virgules)
dashboard-segment-stages = Étape indiquée sur le compte
dashboard-segment-suggested = Étape suggérée par les commandes
dashboard-segment-owners = Responsable
dashboard-segment-no-visit = Sans visite depuis plus de (jours)
dashboard-segment-no-order = Sans commande depuis plus de (jours)
dashboard-segment-save = Enregistrer le segment
dashboard-segment-name-missing = Donnez un nom au segment.
dashboard-segment-departement-invalid = Tapez les départements par leur code : 69, 01, 2A, 974.
dashboard-segment-days-invalid = Tapez un nombre entier de jours.
dashboard-segment-filter-all = Tous les comptes
dashboard-segment-filter-industry = Secteur : { $values }
dashboard-segment-filter-departements = Départements : { $values }
dashboard-segment-filter-stage = Étape : { $values }
dashboard-segment-filter-suggested = Étape suggérée : { $values }
dashboard-segment-filter-owner = Responsable : { $values }
dashboard-segment-filter-no-visit = Sans visite depuis plus de { $days } jours
dashboard-segment-filter-no-order = Sans commande depuis plus de { $days } jours
problem-segment-figures = Les segments n’ont pas pu être calculés à partir des fiches de cet appareil.
problem-segment-missing = Ce segment n’existe plus.
problem-segment-invalid = Ce segment ne peut pas être enregistré : son nom est trop long ou il a trop de filtres.

region-auvergne-rhone-alpes = Auvergne-Rhône-Alpes
region-bourgogne-franche-comte = Bourgogne-Franche-Comté
region-bretagne = Bretagne
region-centre-val-de-loire = Centre-Val de Loire
region-corse = Corse
region-grand-est = Grand Est
region-hauts-de-france = Hauts-de-France
region-ile-de-france = Île-de-France
region-normandie = Normandie
region-nouvelle-aquitaine = Nouvelle-Aquitaine
region-occitanie = Occitanie
region-pays-de-la-loire = Pays de la Loire
region-provence-alpes-cote-d-azur = Provence-Alpes-Côte d’Azur
region-guadeloupe = Guadeloupe
region-martinique = Martinique
region-guyane = Guyane
region-la-reunion = La Réunion
region-mayotte = Mayotte

dashboard-suggested = Clients par étape suggérée
dashboard-suggested-chart = Comptes par étape du cycle de vie que suggèrent leurs commandes
dashboard-suggested-stage = Étape suggérée
dashboard-accounts = Comptes
dashboard-suggested-rule = Suggérée à partir des commandes de chaque compte selon les seuils de Réglages, Cycle de vie client ; l’étape choisie à la main reste la même.
dashboard-suggested-accounts = { $stage } : { $count ->
    [one] un compte
   *[other] { $count } comptes
}
dashboard-suggested-hand-set = choisie à la main : { $stage }
dashboard-suggested-more = …et { $count } de plus.
dashboard-suggested-close = Fermer la liste
